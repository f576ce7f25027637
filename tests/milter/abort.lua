-- A client that aborts mid-message: the next message on the same
-- connection carries nothing over.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    T.ok("mailfrom", mt.mailfrom(conn, "<sender@origin.example>"))
    T.reply(conn, "MAIL", SMFIR_CONTINUE)
    T.ok("rcptto", mt.rcptto(conn, "<bob@listed.example>"))
    T.reply(conn, "RCPT", SMFIR_CONTINUE)
    T.ok("abort", mt.abort(conn))

    -- a healthy recipient only: the aborted listed one must not reappear
    T.send(conn, "ABORT2", {"<alice@healthy.example>"})
    T.expect_none(conn)

    -- and the milter still works
    T.send(conn, "ABORT3", {"<carol@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    -- abort again after RCPT of a healthy domain, then a listed message
    T.ok("mailfrom", mt.mailfrom(conn, "<sender@origin.example>"))
    T.reply(conn, "MAIL", SMFIR_CONTINUE)
    T.ok("rcptto", mt.rcptto(conn, "<dave@healthy.example>"))
    T.reply(conn, "RCPT", SMFIR_CONTINUE)
    T.ok("abort", mt.abort(conn))
    T.send(conn, "ABORT4", {"<erin@listed.example>"})
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    mt.disconnect(conn)
end)
