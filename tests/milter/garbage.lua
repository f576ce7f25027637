-- Recipients without a usable domain are not considered: no header, every
-- command answered CONTINUE.  They do keep a message from the -Route
-- header: the MTA routes them by itself, and a FILTER would take them along.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    T.send(conn, "GARBAGE1", {"<>", "", "<broken", "no-at-sign", "<postmaster>",
                               "<user@[192.0.2.1]>", "<user@-bad-.example>", "<user@>",
                               "<user@a..example>", "<user@\xff\xfe.example>",
                               "<user@" .. string.rep("x", 300) .. ".example>"})
    T.expect_none(conn)

    T.send(conn, "GARBAGE2", {"<postmaster>", "<a@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {})

    -- the next message starts clean
    T.send(conn, "GARBAGE3", {"<a@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    mt.disconnect(conn)
end)
