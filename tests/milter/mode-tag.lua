-- routing.mode tag: tag headers as in mode rewrite, never the -Route header.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    T.send(conn, "TAG1", {"<alice@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {})

    T.send(conn, "TAG2", {"<a@listed.example>", "<b@same.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25),
                           T.tag("same.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {})

    mt.disconnect(conn)
end)
