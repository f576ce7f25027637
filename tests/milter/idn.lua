-- An IDN recipient: user@bücher.example matches the list entry
-- xn--bcher-kva.example; headers name the A-label.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    T.send(conn, "IDN1", {"<user@bücher.example>"})
    T.expect(conn, T.TAG, {T.tag("xn--bcher-kva.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    -- U-label and upper-case A-label are one domain: one tag header
    T.send(conn, "IDN2", {"<a@bücher.example>", "<b@XN--BCHER-KVA.EXAMPLE>"})
    T.expect(conn, T.TAG, {T.tag("xn--bcher-kva.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    mt.disconnect(conn)
end)
