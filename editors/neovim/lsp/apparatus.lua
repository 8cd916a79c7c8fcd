-- apparatus: the language server of a documentary edition's corpus (a folder with
-- `edition.toml`), for Neovim 0.11+:
--
--   vim.lsp.enable('apparatus')
--
-- Override any field with vim.lsp.config('apparatus', { ... }), e.g.
--   vim.lsp.config('apparatus', { cmd = { '/path/to/apparatus', 'lsp' } })
---@type vim.lsp.Config
return {
  cmd = { 'apparatus', 'lsp' },
  filetypes = { 'markdown' },
  root_markers = { 'edition.toml' },
  -- Markdown outside a corpus is none of the server's business (Neovim 0.11.1+;
  -- 0.11.0 ignores the field).
  workspace_required = true,
  init_options = {
    inlayHints = { isoDates = true },
  },
}
