// The run's dashboard: reads the REST API once, then follows the server-sent event stream (GET /api/v1/events) and
// re-reads only what an event changed. With ?access_token=... in the page's address, every call carries the token.
(() => {
  'use strict';

  const token = new URLSearchParams(location.search).get('access_token');
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const withToken = url => token ? url + (url.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(token)
    : url;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777',
    '#4b5563', '#65a30d'];
  /** Clients drawn in the charts; the tables list them all. */
  const MAX_CHART_CLIENTS = 10;
  const MAX_EVENTS = 200;

  const run = { status: null, rounds: new Map(), skewMs: 0 };
  const $ = id => document.getElementById(id);
  const pct = a => a == null ? '-' : (a * 100).toFixed(2) + '%';
  const fixed = (x, digits) => x == null ? '-' : x.toFixed(digits);

  document.querySelectorAll('#workbook-link, #metrics-link').forEach(a => a.href = withToken(a.getAttribute('href')));

  async function getJson(path) {
    const response = await fetch(path, { headers, cache: 'no-store' });
    const date = response.headers.get('Date');
    if (date) {
      run.skewMs = new Date(date).getTime() - Date.now();
    }
    if (!response.ok) {
      let detail = response.status + ' ' + response.statusText;
      try {
        detail = (await response.json()).detail || detail;
      } catch (ignored) {
        // not a problem detail
      }
      throw new Error(path + ': ' + detail);
    }
    return response.json();
  }

  // Reads wanted by events are gathered for a moment and made once: a round of a hundred updates is a few reads.
  const wanted = new Set();
  let timer = null;
  function want(what) {
    wanted.add(what);
    if (!timer) {
      timer = setTimeout(flush, 200);
    }
  }

  async function flush() {
    timer = null;
    const todo = [...wanted];
    wanted.clear();
    try {
      if (todo.includes('all')) {
        await readAll();
        return;
      }
      if (todo.includes('status')) {
        run.status = await getJson('/api/v1/status');
      }
      for (const what of todo) {
        if (what.startsWith('round:')) {
          const n = Number(what.slice(6));
          run.rounds.set(n, await getJson('/api/v1/rounds/' + n));
        }
      }
      render();
      if (todo.includes('runs')) {
        await readRuns();
      }
    } catch (e) {
      showError(e);
    }
  }

  async function readAll() {
    run.status = await getJson('/api/v1/status');
    const rounds = await getJson('/api/v1/rounds');
    run.rounds = new Map(rounds.map(r => [r.round, r]));
    render();
    await readRuns();
  }

  // The runs the aggregator keeps: a row each, and their global accuracy round by round on one chart. An earlier
  // run's rounds never change: they are read once.
  const MAX_CHART_RUNS = 10;
  const pastRounds = new Map();

  async function readRuns() {
    const runs = await getJson('/api/v1/runs');
    const body = $('runs').tBodies[0];
    body.replaceChildren(...runs.slice().reverse().map(r => {
      const tr = row([
        [r.id + (r.current ? ' (served)' : ''), 'id'],
        [r.state, 'state'],
        [r.definition ? r.definition.strategy.name : '?', 'strategy'],
        [r.roundsDone + ' / ' + (r.rounds ?? '?'), 'number'],
        [pct(r.latestAccuracy), 'number latest'],
        [pct(r.bestAccuracy), 'number best'],
        [r.startedAt ? new Date(r.startedAt).toISOString().replace('T', ' ').slice(0, 19) : '-']
      ], 'run-' + r.id);
      const files = document.createElement('td');
      for (const [label, path] of [['workbook', '/metrics.xlsx'], ['model', '/model']]) {
        const a = document.createElement('a');
        a.href = withToken('/api/v1/runs/' + r.id + path);
        a.textContent = label;
        files.append(a, ' ');
      }
      tr.appendChild(files);
      return tr;
    }));
    const shown = runs.slice(-MAX_CHART_RUNS);
    const series = [];
    for (const r of shown) {
      if (!r.current && !pastRounds.has(r.id)) {
        pastRounds.set(r.id, await getJson('/api/v1/runs/' + r.id + '/rounds'));
      }
      series.push(r.current ? [...run.rounds.values()] : pastRounds.get(r.id));
    }
    const last = Math.max(0, ...series.map(rounds => rounds.length));
    const xs = Array.from({ length: last }, (_, i) => i + 1);
    const data = [xs, ...series.map(rounds => xs.map(n => rounds[n - 1]?.globalTestAccuracy ?? null))];
    drawRuns(data, shown);
  }

  function drawRuns(data, shown) {
    if (data[0].length < 1) {
      return;
    }
    if (charts['runs-chart']) {
      charts['runs-chart'].plot.destroy();
    }
    const el = $('runs-chart');
    const format = v => v == null ? '-' : (v * 100).toFixed(1) + '%';
    const series = [{ label: 'Round' }, ...shown.map((r, i) => ({ label: 'run ' + r.id + ' (' +
      (r.definition ? r.definition.strategy.name : '?') + ')', stroke: PALETTE[i % PALETTE.length],
      width: r.current ? 3 : 1.5, points: { show: true, size: 4 }, spanGaps: true, value: (u, v) => format(v) }))];
    const plot = new uPlot({
      width: Math.max(el.clientWidth, 300), height: 280, series, scales: { x: { time: false }, y: {} },
      axes: [{ label: 'Round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500], values: (u, ticks) => ticks.map(String) },
        { values: (u, ticks) => ticks.map(format), size: 60 }],
      legend: { live: false }
    }, data, el);
    charts['runs-chart'] = { plot, key: '' };
  }

  function showError(e) {
    $('message').textContent = e.message;
  }

  function openRound() {
    const last = run.rounds.get(run.rounds.size);
    return last && last.state === 'OPEN' ? last : null;
  }

  /** Every client seen in the rounds or picked for the open one, in order. */
  function clients() {
    const ids = new Set();
    for (const r of run.rounds.values()) {
      (r.selected || []).forEach(c => ids.add(c));
      r.training.forEach(t => ids.add(t.clientId));
      r.evaluations.forEach(e => ids.add(e.clientId));
    }
    (run.status?.picked || []).forEach(c => ids.add(c));
    return [...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  }

  function render() {
    renderStatus();
    renderClients();
    renderRounds();
    renderCharts();
  }

  function renderStatus() {
    const s = run.status;
    if (!s) {
      return;
    }
    $('state').textContent = s.state;
    $('state').className = 'badge ' + s.state;
    $('message').textContent = s.message || '';
    $('round').textContent = s.round + ' / ' + s.rounds;
    $('round-bar').style.width = (100 * s.round / s.rounds) + '%';
    $('accuracy').textContent = pct(s.latest.globalTestAccuracy);
    $('loss').textContent = 'loss ' + fixed(s.latest.globalTestLoss, 4) + (s.latest.round === 0 ? ' (initial model)'
      : ' after round ' + s.latest.round);
    if (s.strategy) {
      const params = Object.entries(s.strategy.parameters || {}).map(([k, v]) => k + '=' + v).join(', ');
      $('strategy').textContent = s.strategy.name;
      $('sampling').textContent = (params ? params + '; ' : '') + Math.round(100 * s.strategy.fractionFit)
        + '% of clients a round, at least ' + s.strategy.minFitClients;
    }
    $('privacy-card').hidden = !s.privacy;
    if (s.privacy) {
      const p = s.privacy;
      $('epsilon').textContent = 'ε = ' + (p.epsilon == null ? '∞' : p.epsilon.toPrecision(3));
      $('privacy').textContent = 'the most-exposed client, at δ = ' + p.delta + ' after ' + s.round + ' rounds; clip '
        + p.clip + ', noise ' + p.noise + ', no amplification by sampling (the picks are public)';
    }
    const open = openRound();
    $('open-round').textContent = open ? 'round ' + open.round + ': ' + open.participants.length + ' / '
      + open.selected.length : s.state === 'WAITING_FOR_CLIENTS'
      ? s.registeredClients + ' / ' + s.expectedClients + ' registered' : 'none';
    tick();
  }

  /** The open round's deadline, counted down every second on the server's clock. */
  function tick() {
    const open = openRound();
    if (!open || !open.deadline) {
      $('deadline').textContent = '';
      return;
    }
    const left = Math.round((new Date(open.deadline).getTime() - (Date.now() + run.skewMs)) / 1000);
    $('deadline').textContent = left >= 0 ? 'deadline in ' + left + ' s' : 'deadline passed ' + (-left) + ' s ago';
  }

  function lastOf(client, pick) {
    for (let n = run.rounds.size; n >= 1; n--) {
      const found = pick(run.rounds.get(n), client);
      if (found) {
        return found;
      }
    }
    return null;
  }

  function renderClients() {
    const open = openRound();
    const late = open && open.deadline && new Date(open.deadline).getTime() < Date.now() + run.skewMs;
    const body = $('clients').tBodies[0];
    body.replaceChildren(...clients().map(c => {
      const trained = lastOf(c, (r, id) => r.training.find(t => t.clientId === id));
      const scored = lastOf(c, (r, id) => {
        const e = r.evaluations.find(x => x.clientId === id);
        return e ? { round: r.round, accuracy: e.accuracy } : null;
      });
      let now = ['', ''];
      if (open && open.selected.includes(c)) {
        now = open.participants.includes(c) ? ['update received', 'reported']
          : late ? ['late', 'late'] : ['training', 'waiting'];
      } else if (open) {
        now = ['sits out', 'waiting'];
      }
      return row([
        [c],
        [now[0], now[1]],
        [trained ? fixed(trained.trainLoss, 4) : '-', 'number'],
        [trained ? pct(trained.trainAccuracy) : '-', 'number'],
        [scored ? pct(scored.accuracy) + ' (round ' + scored.round + ')' : '-', 'number']
      ], 'client-' + c);
    }));
  }

  function renderRounds() {
    const body = $('rounds').tBodies[0];
    const rows = [];
    for (let n = run.rounds.size; n >= 1; n--) {
      const r = run.rounds.get(n);
      rows.push(row([
        [String(r.round)],
        [r.state.toLowerCase(), 'state'],
        [pct(r.globalTestAccuracy), 'number accuracy'],
        [fixed(r.globalTestLoss, 4), 'number loss'],
        [pct(r.meanClientTestAccuracy), 'number mean'],
        [r.participants.length + ' / ' + r.selected.length, 'number'],
        [r.durationSeconds == null ? '-' : r.durationSeconds.toFixed(1) + ' s', 'number']
      ], 'round-' + r.round));
    }
    body.replaceChildren(...rows);
  }

  function row(cells, id) {
    const tr = document.createElement('tr');
    tr.id = id;
    for (const [text, cls] of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) {
        td.className = cls;
      }
      tr.appendChild(td);
    }
    return tr;
  }

  // Charts (uPlot): one point per closed round.
  const charts = {};

  function renderCharts() {
    const closed = [...run.rounds.values()].filter(r => r.globalTestAccuracy != null);
    const xs = closed.map(r => r.round);
    const shown = clients().slice(0, MAX_CHART_CLIENTS);
    const perClient = (pick) => shown.map(c => closed.map(r => pick(r, c)));
    const accuracy = [xs, closed.map(r => r.globalTestAccuracy),
      ...perClient((r, c) => r.evaluations.find(e => e.clientId === c)?.accuracy ?? null)];
    const loss = [xs, closed.map(r => r.globalTestLoss),
      ...perClient((r, c) => r.training.find(t => t.clientId === c)?.trainLoss ?? null)];
    draw('accuracy-chart', accuracy, 'Global test accuracy', ' local test accuracy', v => (v * 100).toFixed(1) + '%',
      shown, {});
    // Training losses end far below the test loss (0.001 against 0.3): a log scale shows both.
    draw('loss-chart', loss, 'Global test loss', ' train loss', v => v == null ? '-' : Number(v.toPrecision(2)).toString(),
      shown, { distr: 3, log: 10 });
  }

  function draw(id, data, globalLabel, clientLabel, format, shown, yScale) {
    const el = $(id);
    const key = shown.join(',');
    if (data[0].length < 1) {
      return; // nothing to draw before the first round closes
    }
    if (charts[id] && charts[id].key === key) {
      charts[id].plot.setData(data);
      return;
    }
    if (charts[id]) {
      charts[id].plot.destroy();
    }
    const series = [{ label: 'Round' },
      { label: globalLabel, stroke: '#111827', width: 3, points: { show: true, size: 6 }, spanGaps: true,
        value: (u, v) => v == null ? '-' : format(v) },
      ...shown.map((c, i) => ({ label: c + clientLabel, stroke: PALETTE[i % PALETTE.length], width: 1.5,
        dash: [6, 3], points: { show: true, size: 4 }, spanGaps: true, value: (u, v) => v == null ? '-' : format(v) }))];
    const plot = new uPlot({
      width: Math.max(el.clientWidth, 300), height: 280, series,
      scales: { x: { time: false }, y: yScale },
      axes: [{ label: 'Round', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500], values: (u, ticks) => ticks.map(String) },
        { values: (u, ticks) => ticks.map(format), size: 60 }],
      legend: { live: false }
    }, data, el);
    charts[id] = { plot, key };
  }

  window.addEventListener('resize', () => {
    for (const id in charts) {
      charts[id].plot.setSize({ width: Math.max($(id).clientWidth, 300), height: 280 });
    }
  });

  // The event stream.
  function logEvent(e) {
    const li = document.createElement('li');
    li.className = e.type;
    const time = document.createElement('time');
    time.textContent = new Date(e.at).toISOString().slice(11, 19);
    const type = document.createElement('span');
    type.className = 'type';
    type.textContent = e.type;
    li.append(time, type, document.createTextNode(e.detail));
    const list = $('events');
    list.prepend(li);
    while (list.children.length > MAX_EVENTS) {
      list.lastChild.remove();
    }
  }

  function connect() {
    const source = new EventSource(withToken('/api/v1/events'));
    source.onopen = () => {
      $('events').replaceChildren(); // the stream starts again with the latest stored events
      $('connection').textContent = 'live';
      $('connection').className = 'connection live';
      want('all'); // whatever happened while not connected
    };
    source.onerror = () => {
      $('connection').textContent = 'reconnecting';
      $('connection').className = 'connection lost';
    };
    const follow = {
      registered: e => want('status'),
      opened: e => { want('status'); want('round:' + e.round); },
      update: e => { want('status'); want('round:' + e.round); },
      evaluation: e => want('round:' + e.round),
      aggregated: e => { want('status'); want('round:' + e.round); want('runs'); },
      deadline: e => { want('status'); want('round:' + e.round); },
      state: e => want('all'),
      restarted: e => want('all'),
      refused: e => {},
      secagg: e => want('status')
    };
    for (const [type, then] of Object.entries(follow)) {
      source.addEventListener(type, message => {
        const e = JSON.parse(message.data);
        logEvent(e);
        then(e);
      });
    }
  }

  setInterval(tick, 1000);
  readAll().catch(showError);
  connect();
})();
