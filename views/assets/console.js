// open-skills console: the little htmx does not do by itself. Served by the app; the Content-Security-Policy allows
// no inline script, so every behaviour lives here and is attached to server-rendered markup by data attributes.
(() => {
  const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

  /** One log line, built with textContent only: a skill's words never become markup. */
  function logLine(line) {
    const item = document.createElement('li');
    const level = LEVELS.has(line.level) ? line.level : 'info';
    item.className = `log log-${level}`;
    const time = document.createElement('time');
    time.dateTime = String(line.time);
    time.textContent = String(line.time).slice(11, 23);
    const badge = document.createElement('span');
    badge.className = 'level';
    badge.textContent = level;
    const message = document.createElement('span');
    message.className = 'message';
    message.textContent = String(line.message);
    item.append(time, ' ', badge, ' ', message);
    return item;
  }

  function artifactItem(artifact) {
    const item = document.createElement('li');
    item.className = 'artifact';
    const link = document.createElement('a');
    link.href = `/console/artifacts/${encodeURIComponent(artifact.id)}`;
    link.textContent = String(artifact.name);
    const about = document.createElement('span');
    about.className = 'muted';
    about.textContent = ` ${artifact.mime_type} · ${artifact.size} bytes`;
    item.append(link, about);
    return item;
  }

  /**
   * Follows a run still going on: log lines and artifacts appear as the server streams them (SSE), then the panel
   * is replaced by the run's outcome. The stream replays the run from its start, so lines already shown are skipped.
   */
  function follow(panel) {
    if (panel.dataset.following) return;
    panel.dataset.following = 'true';
    const log = panel.querySelector('[data-log]');
    const artifacts = panel.querySelector('[data-artifacts]');
    let skip = log ? log.children.length : 0;
    const source = new EventSource(panel.dataset.events);
    let ended = false;
    const refresh = (delayMs) => {
      if (ended) return;
      ended = true;
      source.close();
      setTimeout(() => {
        if (panel.dataset.reload) window.location.reload();
        else htmx.ajax('GET', panel.dataset.panel, { target: panel, swap: 'outerHTML' });
      }, delayMs);
    };
    source.addEventListener('log', (event) => {
      if (skip > 0) {
        skip -= 1;
        return;
      }
      log?.append(logLine(JSON.parse(event.data)));
      if (log) log.scrollTop = log.scrollHeight;
    });
    source.addEventListener('artifact', (event) => artifacts?.append(artifactItem(JSON.parse(event.data))));
    source.addEventListener('done', () => refresh(0));
    // A dropped stream would be replayed from the start by the browser; ask for the panel again instead.
    source.addEventListener('error', () => refresh(1000));
  }

  /** Names each file of a folder input by its path inside the folder (kept in a hidden field for the server). */
  function trackFolder(input) {
    const target = input.form?.querySelector(`input[name="${input.dataset.paths}"]`);
    if (!target) return;
    input.addEventListener('change', () => {
      target.value = JSON.stringify(Array.from(input.files, (file) => file.webkitRelativePath || file.name));
    });
  }

  /** `root` and the elements inside it that match `selector` (htmx hands over each swapped element itself). */
  const within = (root, selector) => [...(root.matches?.(selector) ? [root] : []), ...root.querySelectorAll(selector)];

  function init(root) {
    for (const panel of within(root, '[data-events]')) follow(panel);
    for (const input of within(root, 'input[data-paths]')) trackFolder(input);
  }

  htmx.onLoad(init);
})();
