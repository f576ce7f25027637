-- tests/milter/lib.lua - helpers for the milter cases, loaded with
-- dofile(libdir .. "/lib.lua").  Globals from `miltertest -D`: spec (the
-- milter's socket, "unix:PATH" or "inet:PORT@HOST") and libdir (this
-- directory).
--
-- The milter negotiates away CONNECT, HELO, DATA, headers and body, so the
-- scripts never call mt.conninfo/helo/header/body: miltertest answers those
-- with an error once the filter asked to skip them.

T = {}

-- SMFIC_BODYEOB ('E'): miltertest exports no constant for end-of-message macros.
T.EOM = string.byte("E")
T.TAG = "X-MXDetour"
T.ROUTE = "X-MXDetour-Route"

function T.fail(msg)
    error(msg, 0)
end

-- Runs the case.  miltertest 2.11 exits 1 without printing the error when
-- a script fails, so the message is echoed here first.
function T.run(body)
    local ok, err = xpcall(body, debug.traceback)
    if not ok then
        mt.echo("FAIL: " .. tostring(err))
        error(err, 0)
    end
end

function T.ok(what, err)
    if err ~= nil then
        T.fail(what .. ": " .. tostring(err))
    end
end

function T.connect()
    -- retries cover a daemon that is still starting (stale socket refuses)
    local conn = mt.connect(spec, 100, 0.05)
    if conn == nil then
        T.fail("mt.connect(" .. spec .. ") failed")
    end
    mt.set_timeout(30)
    return conn
end

function T.reply(conn, what, ...)
    local got = mt.getreply(conn)
    for _, want in ipairs({...}) do
        if got == want then
            return got
        end
    end
    T.fail(what .. ": unexpected reply " .. string.char(got))
end

-- One message: MAIL, every RCPT, end-of-message.  The queue ID is sent as
-- the "i" macro at end-of-message only (qid nil: no macro at all), so the
-- log lines prove where the milter found it.
function T.send(conn, qid, rcpts)
    -- The milter asks for no reply to MAIL and RCPT (SMFIP_NR_MAIL,
    -- SMFIP_NR_RCPT): miltertest then reads none.
    if not mt.test_option(conn, SMFIP_NR_MAIL) or not mt.test_option(conn, SMFIP_NR_RCPT) then
        T.fail("the milter did not negotiate away the replies to MAIL and RCPT")
    end
    T.ok("mailfrom", mt.mailfrom(conn, "<sender@origin.example>"))
    for _, r in ipairs(rcpts) do
        T.ok("rcptto " .. r, mt.rcptto(conn, r))
    end
    if qid ~= nil then
        T.ok("macro i", mt.macro(conn, T.EOM, "i", qid))
    end
    T.ok("eom", mt.eom(conn))
    T.reply(conn, "EOM", SMFIR_CONTINUE, SMFIR_ACCEPT)
end

-- The values of every header NAME added at end-of-message, sorted.
function T.headers(conn, name)
    local list, i = {}, 0
    while true do
        local v = mt.getheader(conn, name, i)
        if v == nil then
            break
        end
        list[#list + 1] = v
        i = i + 1
    end
    table.sort(list)
    return list
end

-- Exactly these values (any order) for header NAME; {} means none at all.
function T.expect(conn, name, want)
    local got = T.headers(conn, name)
    local w = {}
    for i, v in ipairs(want) do
        w[i] = v
    end
    table.sort(w)
    local same = #got == #w
    for i = 1, #w do
        same = same and got[i] == w[i]
    end
    if not same then
        T.fail(name .. ": got {" .. table.concat(got, " | ") .. "}, want {" ..
               table.concat(w, " | ") .. "}")
    end
    if #w == 0 and mt.eom_check(conn, MT_HDRADD, name) then
        T.fail(name .. ": added, want none")
    end
    for _, v in ipairs(w) do
        if not mt.eom_check(conn, MT_HDRADD, name, v) then
            T.fail(name .. ": eom_check found no " .. v)
        end
    end
end

-- No header of any name was added.
function T.expect_none(conn)
    if mt.eom_check(conn, MT_HDRADD) then
        T.fail("a header was added, want none")
    end
end

-- The tag header value for a domain, as the milter writes it.
function T.tag(domain, verdict, route)
    if route == "" then
        route = '""'
    end
    return "domain=" .. domain .. " verdict=" .. verdict .. " route=" .. route
end
