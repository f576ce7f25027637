-- SIGHUP reloads the config and leaves the milter running (libmilter's own
-- signal thread would stop it).  part=1 before the reload: healthy.example
-- is healthy; part=2 after a reload that lists it: it is tagged and routed.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    if part == "1" then
        T.send(conn, "HUP1", {"<alice@healthy.example>"})
        T.expect_none(conn)
    else
        T.send(conn, "HUP2", {"<alice@healthy.example>"})
        T.expect(conn, T.TAG, {T.tag("healthy.example", "listed", r25)})
        T.expect(conn, T.ROUTE, {r25})
    end

    mt.disconnect(conn)
end)
