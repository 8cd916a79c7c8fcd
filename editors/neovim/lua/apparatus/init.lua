-- apparatus: the language server of a documentary edition's corpus, for Neovim 0.7+.
--
--   require('apparatus').setup({
--     cmd = { 'apparatus', 'lsp' },   -- the server command
--     on_attach = function(client, bufnr) end,
--     capabilities = nil,             -- default: vim.lsp.protocol.make_client_capabilities()
--   })
--
-- The server is started for markdown buffers below a folder that contains
-- `edition.toml` (searched upward from the file), one server per corpus root; other
-- markdown buffers are left alone. Neovim 0.8+ starts it with vim.lsp.start, 0.7 with
-- vim.lsp.start_client and vim.lsp.buf_attach_client. On Neovim 0.11+ you may instead
-- use the plugin's lsp/apparatus.lua with vim.lsp.enable('apparatus').
local M = {}

M.marker = 'edition.toml'

local defaults = {
  cmd = { 'apparatus', 'lsp' },
  filetypes = { 'markdown' },
  on_attach = nil,
  capabilities = nil,
  init_options = { inlayHints = { isoDates = true } },
  settings = nil,
  handlers = nil,
  cmd_env = nil,
}

M.config = vim.deepcopy(defaults)

local uv = vim.uv or vim.loop

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The corpus root of a file: the nearest folder upward that holds `edition.toml`.
---@param path string an absolute file path
---@return string|nil
function M.find_root(path)
  if path == nil or path == '' then
    return nil
  end
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while dir and dir ~= '' do
    if exists(dir .. '/' .. M.marker) then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return nil
end

-- Neovim 0.7: one client per corpus root, kept here.
local clients_by_root = {}

local function client_config(root)
  local c = M.config
  return {
    name = 'apparatus',
    cmd = c.cmd,
    cmd_env = c.cmd_env,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    capabilities = c.capabilities or vim.lsp.protocol.make_client_capabilities(),
    init_options = c.init_options,
    settings = c.settings,
    handlers = c.handlers,
    on_attach = c.on_attach,
  }
end

local function notify_missing(cmd)
  vim.schedule(function()
    vim.notify(
      ('apparatus: the server binary `%s` was not found. Install it with `cargo install --path .` '
        .. "or pass cmd = { '/path/to/apparatus', 'lsp' } to require('apparatus').setup()."):format(cmd),
      vim.log.levels.ERROR
    )
  end)
end

local warned_missing = false

--- Starts (or reuses) the server for a buffer, if the buffer is in a corpus.
---@param bufnr integer
---@return integer|nil client id
function M.attach(bufnr)
  if bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  if not root then
    return nil
  end
  local cmd = M.config.cmd
  if type(cmd) == 'table' and vim.fn.executable(cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      notify_missing(cmd[1])
    end
    return nil
  end

  if vim.lsp.start then
    -- 0.8+: vim.lsp.start reuses a client of the same name and root_dir.
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(client_config(root))
    end)
    return id
  end

  -- 0.7
  local id = clients_by_root[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil or vim.lsp.client_is_stopped(id) then
    local config = client_config(root)
    config.workspace_folders = nil -- 0.7 sends none
    config.on_exit = function(_, _, client_id)
      if clients_by_root[root] == client_id then
        clients_by_root[root] = nil
      end
    end
    id = vim.lsp.start_client(config)
    if id == nil then
      return nil
    end
    clients_by_root[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

local function wanted_filetype(ft)
  for _, f in ipairs(M.config.filetypes) do
    if f == ft then
      return true
    end
  end
  return false
end

--- Configures the plugin and starts the server for corpus buffers, now and later.
---@param opts table|nil { cmd, on_attach, capabilities, init_options, settings, handlers, cmd_env, filetypes }
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if opts and opts.cmd then
    M.config.cmd = opts.cmd -- lists are replaced, not merged
  end
  if opts and opts.filetypes then
    M.config.filetypes = opts.filetypes
  end
  warned_missing = false

  local group = vim.api.nvim_create_augroup('apparatus', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- Buffers already open.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and wanted_filetype(vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
