-- A healthy and a listed recipient in one message: the listed one is
-- tagged, but no -Route header, which would send the healthy recipient
-- through the listed domain's route (doc/design.md §5).
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    T.send(conn, "MIXED1", {"<alice@healthy.example>", "<bob@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {})

    -- the order of the recipients does not matter
    T.send(conn, "MIXED2", {"<bob@listed.example>", "<alice@healthy.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {})

    mt.disconnect(conn)
end)
