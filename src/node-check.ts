// Imported first by the entry points: the sandbox's isolated-vm 6 ships binaries for Node 22 and 24 only, and a
// clear message beats a worker that cannot start.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `open-skills needs Node.js 22 or newer (24 LTS recommended); this is Node ${process.versions.node}.\n` +
      'Install Node 24 LTS (nodejs.org, nvm or your package manager) and try again.\n',
  );
  process.exit(1);
}
