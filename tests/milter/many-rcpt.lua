-- 1,000 recipients in one message.
dofile(libdir .. "/lib.lua")
T.run(function()
    local conn = T.connect()
    local r25 = "smtp:[192.0.2.25]:25"

    local function rcpts(n, domain, extra)
        local list = {}
        for i = 1, n do
            list[i] = "<user" .. i .. "@" .. domain .. ">"
        end
        for _, r in ipairs(extra or {}) do
            list[#list + 1] = r
        end
        return list
    end

    -- all to one listed domain: one tag header, one -Route
    T.send(conn, "MANY1", rcpts(1000, "listed.example"))
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    -- 999 listed and one healthy: the tag, no -Route
    T.send(conn, "MANY2", rcpts(999, "listed.example", {"<last@healthy.example>"}))
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {})

    -- 500 + 500 over two listed domains sharing a route: two tags, one -Route
    local list = rcpts(500, "listed.example")
    for i = 1, 500 do
        list[#list + 1] = "<u" .. i .. "@same.example>"
    end
    T.send(conn, "MANY3", list)
    T.expect(conn, T.TAG, {T.tag("listed.example", "listed", r25),
                           T.tag("same.example", "listed", r25)})
    T.expect(conn, T.ROUTE, {r25})

    mt.disconnect(conn)
end)
