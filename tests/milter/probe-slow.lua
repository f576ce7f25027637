-- A probe that outlasts probe.wait (the MX query of slow.example is
-- dropped): end-of-message gives up after the wait and adds no header.
-- part=1: slow.example alone; part=2: next to a listed domain, which is
-- tagged, but no -Route since slow.example has no route yet.
-- t-probe-slow.sh times each run.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()

    if part == "1" then
        T.send(conn, "SLOW1", {"<alice@slow.example>"})
        T.expect_none(conn)
    else
        T.send(conn, "SLOW2", {"<alice@slow.example>", "<bob@listed.example>"})
        T.expect(conn, T.TAG, {T.tag("listed.example", "listed", "smtp:[192.0.2.25]:25")})
        T.expect(conn, T.ROUTE, {})
    end

    mt.disconnect(conn)
end)
