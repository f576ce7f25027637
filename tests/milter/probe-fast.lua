-- A probe that ends within probe.wait: AAAA of the MX host is answered
-- SERVFAIL after 300 ms.  The verdict (aaaa-error, route pin-mx) lands in
-- the headers of the very message whose RCPT started the probe.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local pin = "smtp:[127.0.0.11]:25"

    T.send(conn, "FAST1", {"<alice@fast.example>"})
    T.expect(conn, T.TAG, {T.tag("fast.example", "aaaa-error", pin)})
    T.expect(conn, T.ROUTE, {pin})

    mt.disconnect(conn)
end)
