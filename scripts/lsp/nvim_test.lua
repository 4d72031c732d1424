-- Drives `policylint lsp` from Neovim's built-in LSP client (headless).
-- Written for Neovim 0.7 (Debian bookworm's): vim.lsp.start_client and
-- buf_attach_client, vim.diagnostic, vim.wait; nothing newer.
-- Run by scripts/test_lsp.sh:
--   POLICYLINT=/path/to/policylint PROJECT=DIR \
--     nvim --headless -u NONE -c "luafile scripts/lsp/nvim_test.lua"
-- Prints one "ok ..." or "FAIL ..." line per step and quits with 0 or 1.

local dir = os.getenv("PROJECT")
local failed = 0

local function say(ok, what, detail)
  if ok then
    io.stdout:write("ok   " .. what .. "\n")
  else
    failed = failed + 1
    io.stdout:write("FAIL " .. what .. (detail and (": " .. detail) or "") .. "\n")
  end
end

-- The Neovim snippet of README.md, as written (test_lsp.sh cuts it out;
-- `policylint` is on PATH there): a FileType autocmd that starts the
-- server and attaches the buffer.
vim.cmd("filetype on")
dofile(os.getenv("SNIPPET"))

-- Open FILE in a buffer attached to the server; wait until the server
-- has published diagnostics that satisfy `pred`.
local function wait_for(buf, pred)
  return vim.wait(20000, function()
    return pred(vim.diagnostic.get(buf))
  end, 50)
end

local function open(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

-- A policy with a known defect: no contact (demo/contact). Opening it
-- starts the client (the snippet's autocmd).
local policy = open(dir .. "/policy.md")
-- 0.7's clients are keyed by id, and listed once initialised.
local client
vim.wait(20000, function()
  for _, c in pairs(vim.lsp.buf_get_clients(policy)) do client = c end
  return client ~= nil and client.initialized
end, 50)
say(client ~= nil and client.name == "policylint", "opening a policy starts policylint lsp")
local got = wait_for(policy, function(d) return #d == 1 end)
local d = vim.diagnostic.get(policy)[1]
say(got and d.code == "demo/contact", "the policy's finding arrives",
  vim.inspect(vim.diagnostic.get(policy)))
-- The finding is anchored at the heading's text, after "# " to the line's
-- end. The server counts 𠮷 as two UTF-16 units; Neovim turns the columns
-- into bytes (𠮷 is four), so a miscount shows as a wrong end column.
if d then
  local line = vim.api.nvim_buf_get_lines(policy, 0, 1, false)[1]
  say(d.lnum == 0 and d.col == 2 and d.end_lnum == 0 and d.end_col == #line,
    "the finding's range is the heading's text", vim.inspect(d) .. " line " .. line)
end

-- Fix it: add the contact; the finding goes away.
vim.api.nvim_buf_set_lines(policy, -1, -1, false, { "", "お問い合わせ窓口: privacy@example.jp" })
say(wait_for(policy, function(d) return #d == 0 end), "the fix clears the finding",
  vim.inspect(vim.diagnostic.get(policy)))

-- A rule file with a syntax error: its diagnostic, then its fix.
-- No filetype of Neovim's is `.rules`: the buffer is attached by hand.
local rules = open(dir .. "/broken.rules")
if client then vim.lsp.buf_attach_client(rules, client.id) end
-- The rule also lacks a `message`: the unknown severity is one of its errors.
local function on_severity_line(d)
  for _, x in ipairs(d) do
    local lsp = x.user_data and x.user_data.lsp or {}
    if x.lnum == 2 and lsp.code == "policylint::rules::unknown-severity" then return true end
  end
  return false
end
say(wait_for(rules, on_severity_line),
  "the rule file's syntax error arrives on its line", vim.inspect(vim.diagnostic.get(rules)))
vim.api.nvim_buf_set_lines(rules, 2, 3, false, {
  "  severity error",
  '  require contact = "窓口" as "窓口"',
  '  message "{missing}がありません"',
})
say(wait_for(rules, function(d) return #d == 0 end), "the fixed rule file has no error",
  vim.inspect(vim.diagnostic.get(rules)))

if client then vim.lsp.stop_client(client.id) end
io.stdout:write("nvim: " .. (failed == 0 and "passed" or (failed .. " failed")) .. "\n")
vim.cmd(failed == 0 and "qall!" or "cquit!")
