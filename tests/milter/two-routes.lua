-- Two listed domains with different routes: two tag headers, no -Route.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25, r26 = "smtp:[192.0.2.25]:25", "smtp:[192.0.2.26]:25"

    T.send(conn, "TWO1", {"<a@listed.example>", "<b@other.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25),
                           T.tag("other.example", "listed", r26)})
    T.expect(conn, T.ROUTE, {})

    -- the second domain alone gets its own route
    T.send(conn, "TWO2", {"<b@other.example>"})
    T.expect(conn, T.TAG, {T.tag("other.example", "listed", r26)})
    T.expect(conn, T.ROUTE, {r26})

    mt.disconnect(conn)
end)
