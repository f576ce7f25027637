-- A listed domain: one tag header and, in mode rewrite, the -Route header.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    T.send(conn, "LISTED1", {"<alice@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    -- several recipients of one domain (any case, trailing dot): one tag header
    T.send(conn, "LISTED2", {"<a@listed.example>", "<B@LISTED.EXAMPLE.>", "<c@Listed.Example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    -- two listed domains that share one route: a tag each, one -Route
    T.send(conn, "LISTED3", {"<a@listed.example>", "<b@same.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25),
                           T.tag("same.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    mt.disconnect(conn)
end)
