-- Drives a real Neovim (0.7+) against `apparatus lsp` for tests/neovim.rs.
--
--   nvim --headless -n -i NONE -u tests/nvim/init.lua
--
-- APPARATUS_NVIM_PLAN names a JSON file written by the Rust test:
--   { mode = "setup" | "enable", plugin_dir, cmd = [server, "lsp"], timeout_ms, settle_ms,
--     files = [ { path, expect_attach,
--                 requests = [ { name, method, position? = { line, character = { utf-8, utf-16, utf-32 } } } ] } ],
--     out }
-- The editor starts the server through the plugin under test (editors/neovim):
-- require('apparatus').setup (mode "setup", any Neovim) or its lsp/apparatus.lua with
-- vim.lsp.enable (mode "enable", 0.11+). It opens each file, sends each request with
-- vim.lsp.buf_request_sync, waits for the pushed diagnostics with vim.wait, and writes
-- everything it saw as JSON to `out`. The Rust test makes the assertions.

local plan_path = os.getenv('APPARATUS_NVIM_PLAN')

local function read_file(path)
  local f = assert(io.open(path, 'r'))
  local s = f:read('*a')
  f:close()
  return s
end

local function write_file(path, s)
  local f = assert(io.open(path, 'w'))
  f:write(s)
  f:close()
end

local plan = vim.json.decode(read_file(assert(plan_path, 'APPARATUS_NVIM_PLAN is not set')))
local uv = vim.uv or vim.loop
local out = { files = {}, error = vim.NIL }

vim.opt.runtimepath:prepend(plan.plugin_dir)
vim.cmd('filetype on')

-- Every publishDiagnostics, by URI, before Neovim's own handler sees it.
local published = {}
local default_publish = vim.lsp.handlers['textDocument/publishDiagnostics']
vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
  if result and result.uri then
    local entry = published[result.uri] or { count = 0 }
    entry.count = entry.count + 1
    entry.last = result.diagnostics
    entry.version = result.version
    entry.at = uv.now()
    published[result.uri] = entry
  end
  return default_publish(err, result, ctx, config)
end

local function buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  local list = {}
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    table.insert(list, c)
  end
  return list
end

local function ready_client(bufnr)
  for _, c in ipairs(buf_clients(bufnr)) do
    if c.name == 'apparatus' and c.initialized ~= false and c.server_capabilities then
      return c
    end
  end
  return nil
end

local function run_file(spec)
  local res = { path = spec.path, responses = {} }
  vim.cmd('edit ' .. vim.fn.fnameescape(spec.path))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  res.uri = uri
  res.filetype = vim.bo[bufnr].filetype

  if not spec.expect_attach then
    -- Give a wrongly started server time to show up.
    vim.wait(plan.settle_ms, function()
      return #buf_clients(bufnr) > 0
    end, 50)
    res.attached = #buf_clients(bufnr) > 0
    return res
  end

  local client
  vim.wait(plan.timeout_ms, function()
    client = ready_client(bufnr)
    return client ~= nil
  end, 20)
  res.attached = client ~= nil
  if not client then
    return res
  end
  res.client_name = client.name
  res.offset_encoding = client.offset_encoding
  res.root_dir = client.config.root_dir
  out.server_capabilities = client.server_capabilities

  -- Pushed diagnostics: wait for the first publish, then until none came for settle_ms.
  -- They also tell that the server has analysed the corpus: the requests come after,
  -- as a person's would.
  vim.wait(plan.timeout_ms, function()
    return published[uri] ~= nil
  end, 20)
  if published[uri] then
    vim.wait(plan.timeout_ms, function()
      return uv.now() - published[uri].at >= plan.settle_ms
    end, 20)
    res.publish_count = published[uri].count
    res.diagnostics = published[uri].last
    res.vim_diagnostic_count = #vim.diagnostic.get(bufnr)
  else
    res.publish_count = 0
  end
  for _, r in ipairs(spec.requests or {}) do
    local params = { textDocument = { uri = uri } }
    if r.position then
      local enc = client.offset_encoding or 'utf-16'
      params.position = { line = r.position.line, character = r.position.character[enc] }
    end
    local responses, err = vim.lsp.buf_request_sync(bufnr, r.method, params, plan.timeout_ms)
    local entry = { method = r.method, params = params }
    if not responses then
      entry.timeout = tostring(err)
    else
      local one = responses[client.id]
      if one then
        entry.result = one.result == nil and vim.NIL or one.result
        entry.error = one.err or one.error or vim.NIL
      else
        entry.timeout = 'no response from the apparatus client'
      end
    end
    res.responses[r.name] = entry
  end

  return res
end

local function main()
  out.nvim_version = tostring(vim.version().major) .. '.' .. vim.version().minor .. '.' .. vim.version().patch
  if plan.mode == 'enable' then
    vim.lsp.config('apparatus', { cmd = plan.cmd })
    vim.lsp.enable('apparatus')
  else
    require('apparatus').setup({ cmd = plan.cmd })
  end
  for _, spec in ipairs(plan.files) do
    table.insert(out.files, run_file(spec))
  end
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  nested = true, -- :edit inside must fire BufRead and FileType
  callback = function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then
      out.error = tostring(err)
    end
    write_file(plan.out, vim.json.encode(out))
    -- Stop the servers politely, then leave.
    local function all_clients()
      return vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
    end
    for _, c in pairs(all_clients()) do
      vim.lsp.stop_client(c.id)
    end
    vim.wait(2000, function()
      return next(all_clients()) == nil
    end, 20)
    vim.cmd('qa!')
  end,
})
