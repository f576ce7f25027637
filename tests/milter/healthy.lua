-- A healthy recipient domain gets no header.  The first message meets the
-- domain unknown (RCPT starts the probe, end-of-message waits for it); the
-- second finds it in the cache, next to a second healthy domain.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()

    T.send(conn, "HEALTHY1", {"<alice@healthy.example>"})
    T.expect_none(conn)

    T.send(conn, "HEALTHY2", {"<bob@healthy.example>", "<carol@calm.example>"})
    T.expect_none(conn)

    mt.disconnect(conn)
end)
