-- bench/milter_bench.lua - the client side of bench/milter_bench.sh: n
-- messages of 5 recipients on one milter connection.  Globals (-D): sock,
-- n, check ("1": the first message must carry mxdetour's tag headers, so
-- the run measures real work).
local function ok(what, err)
    if err ~= nil then
        mt.echo("FAIL: " .. what .. ": " .. tostring(err))
        error(what)
    end
end

local conn = mt.connect("unix:" .. sock, 100, 0.05)
if conn == nil then
    mt.echo("FAIL: connect " .. sock)
    error("connect")
end
local rcpts = {"<a@listed.example>", "<b@listed.example>", "<c@same.example>",
               "<d@healthy.example>", "<e@calm.example>"}
for i = 1, tonumber(n) do
    ok("mailfrom", mt.mailfrom(conn, "<sender@origin.example>"))
    for _, r in ipairs(rcpts) do
        ok("rcptto", mt.rcptto(conn, r))
    end
    ok("eom", mt.eom(conn))
    if i == 1 and check == "1" and mt.getheader(conn, "X-MXDetour", 1) == nil then
        mt.echo("FAIL: no tag headers from mxdetourd")
        error("headers")
    end
end
mt.disconnect(conn)
