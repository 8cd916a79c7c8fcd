// Writes the code-server user settings of an e2e run: node settings.js <file> <server>
const fs = require('fs');
const [file, server] = process.argv.slice(2);
const settings = {
  'apparatus.server.path': server,
  'apparatus.trace.server': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Light Modern',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'editor.hover.delay': 200,
  'outline.collapseItems': 'alwaysExpand',
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'window.commandCenter': false,
};
fs.writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
