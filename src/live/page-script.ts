// The live page's script, served as /page.js (no inline script: the page's
// Content-Security-Policy allows only this file). Plain browser JavaScript, no
// framework and no build step. It follows the CLI's event stream, inserts each
// trace's HTML as the CLI rendered it (escaped there), keeps the newest traces
// whole and folds older ones into one line, and sends the actions with the
// run's token. The page holds at most `maxWhole` traces and `maxRows` lines.
export const pageScript = String.raw`'use strict';
(function () {
  var maxWhole = 8;
  var maxRows = 300;
  var tokenMeta = document.querySelector('meta[name="polytrace-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute('content') : null;
  var list = document.getElementById('traces');
  var older = document.getElementById('older');
  var switchBox = document.getElementById('switch');
  var progressLine = document.getElementById('progress');
  var link = document.getElementById('link');
  var dropped = 0;
  var state = null;
  var pendingSwitch = null;
  var ticker = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function clock(at) {
    return new Date(at).toTimeString().slice(0, 8);
  }

  function seconds(ms) {
    return (ms / 1000).toFixed(1) + ' s';
  }

  function row(item) {
    var line = el('div', 'row ' + (item.kind === 'note' ? 'note' : item.ok ? 'ok' : 'failed'));
    line.appendChild(el('span', 'seq', '#' + item.seq));
    line.appendChild(el('span', 'when', clock(item.at)));
    line.appendChild(el('span', 'verdict-text', item.verdict));
    if (item.traceId) line.appendChild(el('span', 'id', item.traceId.slice(0, 12) + '…'));
    line.title = item.verdict;
    return line;
  }

  function itemNode(item, whole) {
    var node = el('article', 'item');
    node.dataset.seq = item.seq;
    node.dataset.kind = item.kind;
    node.__item = item;
    if (whole && item.html) node.innerHTML = item.html;
    else node.appendChild(row(item));
    return node;
  }

  // Newest first: the first maxWhole stay whole, the next ones fold into a line, past maxRows they go.
  function fold() {
    var items = list.children;
    var whole = 0;
    for (var i = 0; i < items.length; i++) {
      var node = items[i];
      if (node.dataset.kind !== 'trace' || !node.querySelector('section')) continue;
      whole += 1;
      if (whole > maxWhole) {
        node.innerHTML = '';
        node.appendChild(row(node.__item));
      }
    }
    while (list.children.length > maxRows) {
      list.removeChild(list.lastElementChild);
      dropped += 1;
    }
    older.hidden = dropped === 0;
    older.textContent = dropped + ' older line' + (dropped === 1 ? '' : 's') + ' not shown (the page keeps ' + maxRows + ').';
  }

  function add(item) {
    list.insertBefore(itemNode(item, item.kind === 'trace'), list.firstChild);
    if (item.kind === 'trace') item.html = undefined; // the DOM holds it now; the CLI keeps a copy to expand
    fold();
  }

  function showState() {
    if (!state) return;
    document.getElementById('scenario').textContent = state.scenario ? 'scenario: ' + state.scenario : '';
    var c = state.counts;
    document.getElementById('counts').textContent =
      '✓ ' + c.ok + '  ✗ ' + c.failed + (c.notes ? '  ○ ' + c.notes : '') + '  (' + c.traces + ' traces)';
    var buttons = document.querySelectorAll('.controls button');
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      b.disabled = !state.ready || (b.dataset.scenario !== undefined && state.switching !== null);
      if (b.dataset.scenario !== undefined) b.setAttribute('aria-pressed', String(b.dataset.scenario === state.scenario));
    }
  }

  function showSwitch(text, cls) {
    switchBox.hidden = false;
    switchBox.className = 'switch' + (cls ? ' ' + cls : '');
    switchBox.textContent = text;
  }

  function stopTicker() {
    if (ticker) clearInterval(ticker);
    ticker = null;
  }

  var events = new EventSource('/events');
  events.onopen = function () {
    link.textContent = document.body.dataset.mode === 'view' ? 'connected (read-only)' : 'live';
    link.className = 'link up';
  };
  events.onerror = function () {
    link.textContent = 'reconnecting…';
    link.className = 'link down';
  };
  events.addEventListener('state', function (e) {
    state = JSON.parse(e.data);
    showState();
  });
  events.addEventListener('history', function (e) {
    var history = JSON.parse(e.data);
    list.innerHTML = '';
    dropped = history.dropped;
    for (var i = 0; i < history.rows.length; i++) list.insertBefore(itemNode(history.rows[i], false), list.firstChild);
    fold();
  });
  events.addEventListener('trace', function (e) {
    var item = JSON.parse(e.data);
    if (list.querySelector('[data-seq="' + item.seq + '"]')) return;
    add(item);
    if (pendingSwitch && item.sentBy === 'polytrace' && item.scenario === pendingSwitch.scenario) {
      stopTicker();
      var took = Date.now() - pendingSwitch.asked;
      showSwitch(
        item.scenario + ': ' + (item.ok ? 'a whole trace' : 'broken at ' + item.hop) + ', ' + seconds(took) + ' after the click',
        'done',
      );
      switchBox.dataset.tookMs = String(took);
      pendingSwitch = null;
    }
  });
  events.addEventListener('note', function (e) {
    add(JSON.parse(e.data));
  });
  events.addEventListener('map', function (e) {
    var html = JSON.parse(e.data).html;
    if (html) document.getElementById('map').innerHTML = html;
  });
  events.addEventListener('progress', function (e) {
    var line = JSON.parse(e.data);
    progressLine.textContent = clock(line.at) + '  ' + line.message;
  });
  events.addEventListener('switch', function (e) {
    var p = JSON.parse(e.data);
    if (p.phase === 'failed') {
      stopTicker();
      pendingSwitch = null;
      showSwitch('✗ ' + p.message, 'failed');
    } else if (pendingSwitch) {
      pendingSwitch.message = p.phase === 'ready' ? p.message + ': sending a request…' : p.message;
    }
  });

  function post(path, body) {
    return fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-polytrace-token': token },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      if (response.ok) return;
      return response.json().then(function (answer) {
        progressLine.textContent = '✗ ' + answer.error;
      });
    });
  }

  function switchTo(name) {
    if (!state || !state.ready || state.switching) return;
    pendingSwitch = { scenario: name, asked: Date.now(), message: 'switching to ' + name + '…' };
    stopTicker();
    ticker = setInterval(function () {
      if (pendingSwitch) showSwitch(pendingSwitch.message + ' ' + seconds(Date.now() - pendingSwitch.asked));
    }, 100);
    showSwitch(pendingSwitch.message);
    post('/actions/scenario', { name: name });
  }

  function act(button) {
    if (button.disabled) return;
    if (button.dataset.scenario !== undefined) switchTo(button.dataset.scenario);
    else post('/actions/' + button.dataset.action);
  }

  document.addEventListener('click', function (e) {
    var button = e.target.closest('.controls button');
    if (button) return act(button);
    var line = e.target.closest('.item[data-kind="trace"] .row');
    if (!line) return;
    var node = line.parentNode;
    fetch('/traces/' + node.dataset.seq).then(function (response) {
      if (!response.ok) {
        line.title = 'no longer kept: only the newest traces are kept whole';
        return;
      }
      return response.text().then(function (html) {
        node.innerHTML = html;
      });
    });
  });

  var help = document.getElementById('help');
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
    if (e.key === '?' && help) {
      if (help.open) help.close();
      else help.showModal();
      return;
    }
    var button = document.querySelector('.controls button[data-key="' + CSS.escape(e.key.toLowerCase()) + '"]');
    if (button) {
      e.preventDefault();
      act(button);
    }
  });
})();
`;
