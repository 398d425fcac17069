// The runs' dashboard. Live view (the page without ?run, or ?run=N of the run served now): reads the current run from
// the REST API once, then follows the server-sent event stream (GET /api/v1/events) and re-reads only what an event
// changed; when the next run starts the stream ends, and on reconnecting the page reads the new run whole. A run's own
// page (?run=N of any other run): that run as it ended (or its definition while it is queued) from /api/v1/runs/N,
// its rounds and its events; not live, but it follows the stream to keep the list of runs current and to turn live
// when its run starts. With ?access_token=... in the page's address, every call and link carries the token.
(() => {
  'use strict';

  const query = new URLSearchParams(location.search);
  const token = query.get('access_token');
  const headers = token ? { Authorization: 'Bearer ' + token } : {};
  const withToken = url => token ? url + (url.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(token)
    : url;
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777',
    '#4b5563', '#65a30d'];
  /** Clients drawn in the charts; the tables list them all. */
  const MAX_CHART_CLIENTS = 10;
  const MAX_EVENTS = 200;

  /** The run asked for with ?run=N (a run id: 1 to 10 digits, no leading zero), null without; NaN when malformed. */
  const asked = !query.has('run') ? null : /^[1-9][0-9]{0,9}$/.test(query.get('run')) ? Number(query.get('run')) : NaN;
  const ENDED = new Set(['COMPLETED', 'FAILED', 'STOPPED']);

  const run = { status: null, rounds: new Map(), personalized: [], crossSite: null, skewMs: 0 };
  /**
   * What the page shows: live (the run served now) or not (run `asked`, read once); the shown run's id (null when the
   * aggregator does not say), its summary from the runs' list (null before it is read), whether it holds anything
   * to show (a queued run does not), and whether the event stream is open (null: not yet).
   */
  const view = { live: asked === null || Number.isNaN(asked), id: null, summary: null, held: true, streaming: null };
  const $ = id => document.getElementById(id);
  const pct = a => a == null ? '-' : (a * 100).toFixed(2) + '%';
  const fixed = (x, digits) => x == null ? '-' : x.toFixed(digits);
  const time = at => at ? new Date(at).toISOString().replace('T', ' ').slice(0, 19) : '-';
  const runPage = id => withToken('/?run=' + id);

  document.querySelectorAll('#home-link, #live-link, #metrics-link')
    .forEach(a => a.href = withToken(a.getAttribute('href')));

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
      const error = new Error(path + ': ' + detail);
      error.status = response.status;
      throw error;
    }
    return response.json();
  }

  // Reads wanted by events are gathered for a moment and made once: a round of a hundred updates is a few reads.
  // One read at a time, in order: a run's page never mixes with the live view's reads.
  const wanted = new Set();
  let timer = null;
  let reading = Promise.resolve();
  function want(what) {
    wanted.add(what);
    if (!timer) {
      timer = setTimeout(flush, 200);
    }
  }

  function queue(task) {
    reading = reading.then(task).catch(showError);
  }

  function flush() {
    timer = null;
    const todo = [...wanted];
    wanted.clear();
    queue(() => apply(todo));
  }

  async function apply(todo) {
    if (todo.includes('all')) {
      await readAll();
      return;
    }
    if (view.live) {
      if (todo.includes('status')) {
        const status = await getJson('/api/v1/status');
        if ((status.run ?? null) !== view.id) {
          await readAll(); // another run is served now: read it whole
          return;
        }
        run.status = status;
      }
      for (const what of todo) {
        if (what.startsWith('round:')) {
          const n = Number(what.slice(6));
          run.rounds.set(n, await getJson('/api/v1/rounds/' + n));
        }
      }
      await readPersonalized();
      await readCrossSite();
      render();
    }
    if (todo.includes('runs')) {
      await readRuns();
    }
  }

  /** Reads the page's run whole: the current one (live) or the one asked for, then the runs' list. */
  async function readAll() {
    const status = await getJson('/api/v1/status');
    view.live = asked === null || Number.isNaN(asked) || status.run === asked;
    view.id = view.live ? status.run ?? null : asked;
    if (view.summary && view.summary.id !== view.id) {
      view.summary = null;
    }
    let problem = Number.isNaN(asked) ? 'not a run id: "' + query.get('run') + '"; this is the live view' : null;
    if (view.live) {
      const rounds = await getJson('/api/v1/rounds');
      view.held = true;
      run.status = status;
      await readPersonalized();
      await readCrossSite();
      show(status, rounds);
      $('events').replaceChildren(...streamed.map(eventItem));
    } else {
      problem = await readRun(asked);
    }
    renderFrame();
    if (problem) {
      $('message').textContent = problem;
    }
    await readRuns();
  }

  /**
   * Reads run `id` as the API keeps it: its status, rounds and events; only its summary while it is queued, or when it
   * holds nothing to show (stopped before it began) or cannot be read by this release (the summary's message says
   * why). Returns why there is nothing to show (no such run), or null.
   */
  async function readRun(id) {
    let shown;
    try {
      shown = await getJson('/api/v1/runs/' + id);
    } catch (e) {
      const summary = e.status === 404 || e.status === 409
        ? (await getJson('/api/v1/runs')).find(r => r.id === id) : null;
      if (!summary && e.status === 404) {
        view.summary = null;
        view.held = false;
        show(null, []);
        $('state').textContent = 'unknown';
        $('state').className = 'badge';
        $('events').replaceChildren();
        return e.message;
      }
      if (!summary) {
        throw e;
      }
      shown = { run: summary, status: null };
    }
    view.summary = shown.run;
    view.held = shown.status != null;
    const rounds = view.held ? await getJson('/api/v1/runs/' + id + '/rounds') : [];
    const events = view.held ? await getJson('/api/v1/runs/' + id + '/events') : [];
    show(shown.status, rounds);
    if (!view.held) {
      renderSummary(shown.run);
    }
    const items = events.slice(-MAX_EVENTS).reverse().map(eventItem);
    if (events.length > MAX_EVENTS) {
      const more = document.createElement('li');
      more.className = 'more';
      more.textContent = (events.length - MAX_EVENTS) + ' earlier events: the workbook\'s Events sheet lists them all';
      items.push(more);
    }
    $('events').replaceChildren(...items);
    return null;
  }

  /** The clients' personalization reports, once the live run has completed (they come after its last round). */
  async function readPersonalized() {
    run.personalized = view.live && run.status?.state === 'COMPLETED' ? await getJson('/api/v1/personalized') : [];
  }

  /** The live run's cross-site evaluation, once it has completed (state NONE when none was asked for). */
  async function readCrossSite() {
    run.crossSite = view.live && run.status?.state === 'COMPLETED' ? await getJson('/api/v1/cross-site') : null;
  }

  function show(status, rounds) {
    run.status = status;
    run.rounds = new Map(rounds.map(r => [r.round, r]));
    render();
  }

  /** The page's frame: the run's name, whether it is live, its files and its definition. */
  function renderFrame() {
    const id = view.id;
    const s = view.summary;
    $('run-title').textContent = id == null ? 'Current run' : 'Run ' + id;
    document.title = 'fedlearn: ' + (id == null ? 'current run' : 'run ' + id);
    $('live-link').hidden = view.live;
    renderConnection();
    const note = $('run-note');
    note.hidden = view.live;
    note.textContent = view.live ? '' : s == null ? 'Run ' + id + ' is not the run served now.'
      : s.state === 'QUEUED' ? 'Run ' + id + ' is queued: it starts when the runs before it have ended, and this page '
        + 'then follows it live.'
      : ENDED.has(s.state) ? 'Run ' + id + ' has ended (' + s.state.toLowerCase()
        + (s.finishedAt ? ' at ' + time(s.finishedAt) + ' UTC' : '') + '): not live, this page shows it as it ended.'
      : 'Run ' + id + ' is not the run served now (' + s.state + ').';
    const files = view.live ? '/api/v1' : '/api/v1/runs/' + id;
    for (const [link, path] of [['workbook-link', '/metrics.xlsx'], ['model-link', '/model']]) {
      $(link).href = withToken(files + path);
      $(link).hidden = !view.held;
    }
    renderDefinition(s?.definition);
  }

  /**
   * The event stream's state: connecting (never open yet), live or not live (open, and the page read), reconnecting
   * (lost). Called when the page has been read, so "live" never shows over figures not yet read.
   */
  function renderConnection() {
    const [text, cls] = view.streaming === null ? ['connecting', ''] : !view.streaming ? ['reconnecting', 'lost']
      : view.live ? ['live', 'live'] : ['not live', 'static'];
    $('connection').textContent = text;
    $('connection').className = 'connection ' + cls;
  }

  /** A definition's fields, one a row: nested ones by their path (training.localEpochs), lists joined. */
  function renderDefinition(definition) {
    $('definition-section').hidden = !definition;
    const flat = [];
    const walk = (value, path) => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const entries = Object.entries(value);
        if (entries.length === 0) {
          flat.push([path, 'none']);
        }
        entries.forEach(([k, v]) => walk(v, path ? path + '.' + k : k));
      } else {
        flat.push([path, value == null ? 'none' : Array.isArray(value) ? value.join(', ') : String(value)]);
      }
    };
    if (definition) {
      walk(definition, '');
    }
    $('definition').tBodies[0].replaceChildren(...flat.map(([k, v]) => row([[k, 'key'], [v]], 'definition-' + k)));
  }

  /** The status cards from a run's summary, for a run without a status (queued, or holding nothing). */
  function renderSummary(r) {
    const d = r.definition;
    $('state').textContent = r.state;
    $('state').className = 'badge ' + r.state;
    $('message').textContent = r.message || '';
    $('round').textContent = r.roundsDone + ' / ' + (r.rounds ?? '?');
    $('round-bar').style.width = r.rounds ? (100 * r.roundsDone / r.rounds) + '%' : '0';
    $('accuracy').textContent = pct(r.latestAccuracy);
    $('loss').textContent = '';
    $('strategy').textContent = d ? d.strategy.name : '?';
    const params = d ? Object.entries(d.strategy.parameters || {}).map(([k, v]) => k + '=' + v).join(', ') : '';
    $('sampling').textContent = d && d.sampling ? (params ? params + '; ' : '')
      + Math.round(100 * d.sampling.fraction) + '% of clients a round, at least ' + d.sampling.minClients : params;
    $('privacy-card').hidden = true;
    $('open-round').textContent = r.state === 'QUEUED' ? 'queued' : 'none';
    $('deadline').textContent = '';
  }

  // The runs the aggregator keeps: a row each (its id links to its page), and their global accuracy round by round on
  // one chart. A run's rounds never change once it has ended and is no longer served: they are read once.
  const MAX_CHART_RUNS = 10;
  const pastRounds = new Map();

  async function readRuns() {
    const runs = await getJson('/api/v1/runs');
    const mine = runs.find(r => r.id === view.id);
    if (mine) {
      view.summary = mine;
      renderFrame();
    }
    const body = $('runs').tBodies[0];
    body.replaceChildren(...runs.slice().reverse().map(r => {
      const strategy = r.definition ? r.definition.strategy : null;
      const tr = row([
        [r.state, 'state'],
        [strategy ? strategy.name : '?', 'strategy'],
        [r.roundsDone + ' / ' + (r.rounds ?? '?'), 'number'],
        [pct(r.latestAccuracy), 'number latest'],
        [pct(r.bestAccuracy), 'number best'],
        [time(r.startedAt)]
      ], 'run-' + r.id);
      if (r.id === view.id) {
        tr.className = 'shown';
      }
      if (strategy) {
        tr.querySelector('td.strategy').title = Object.entries(strategy.parameters || {})
          .map(([k, v]) => k + '=' + v).join(', ');
      }
      const id = document.createElement('td');
      id.className = 'id';
      id.append(link(String(r.id), runPage(r.id), 'run-link'), r.current ? ' (served)' : '');
      tr.prepend(id);
      const files = document.createElement('td');
      files.className = 'files';
      if (r.state !== 'QUEUED') {
        files.append(link('workbook', withToken('/api/v1/runs/' + r.id + '/metrics.xlsx'), 'workbook'), ' ',
          link('model', withToken('/api/v1/runs/' + r.id + '/model'), 'model'));
      }
      tr.appendChild(files);
      return tr;
    }));
    const shown = runs.slice(-MAX_CHART_RUNS);
    const series = [];
    for (const r of shown) {
      series.push(await roundsOf(r));
    }
    const last = Math.max(0, ...series.map(rounds => rounds.length));
    const xs = Array.from({ length: last }, (_, i) => i + 1);
    const data = [xs, ...series.map(rounds => xs.map(n => rounds[n - 1]?.globalTestAccuracy ?? null))];
    drawRuns(data, shown);
  }

  /** Run r's rounds: the page's own run's as shown, an ended run's read once, none before a round closed. */
  async function roundsOf(r) {
    if (r.id === view.id) {
      return [...run.rounds.values()];
    }
    if (r.roundsDone === 0) {
      return [];
    }
    if (pastRounds.has(r.id)) {
      return pastRounds.get(r.id);
    }
    let rounds;
    try {
      rounds = await getJson('/api/v1/runs/' + r.id + '/rounds');
    } catch (e) {
      return []; // queued or holding nothing: no curve
    }
    if (!r.current && ENDED.has(r.state)) {
      pastRounds.set(r.id, rounds);
    }
    return rounds;
  }

  function link(text, href, cls) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    a.className = cls;
    return a;
  }

  function drawRuns(data, shown) {
    if (!clearChart('runs-chart', data)) {
      return;
    }
    if (charts['runs-chart']) {
      charts['runs-chart'].plot.destroy();
    }
    const el = $('runs-chart');
    const format = v => v == null ? '-' : (v * 100).toFixed(1) + '%';
    const series = [{ label: 'Round' }, ...shown.map((r, i) => ({ label: 'run ' + r.id + ' (' +
      (r.definition ? r.definition.strategy.name : '?') + ')', stroke: PALETTE[i % PALETTE.length],
      width: r.id === view.id ? 3 : 1.5, points: { show: true, size: 4 }, spanGaps: true,
      value: (u, v) => format(v) }))];
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
    // An asynchronous run (FedBuff) makes versions of the model from buffered changes, not rounds.
    const buffer = s.strategy?.parameters?.bufferSize;
    const unit = buffer ? 'version' : 'round';
    $('round-heading').textContent = buffer ? 'Versions made' : 'Rounds completed';
    $('open-round-heading').textContent = buffer ? 'Version being built' : 'Open round';
    $('round').textContent = s.round + ' / ' + s.rounds;
    $('round-bar').style.width = (100 * s.round / s.rounds) + '%';
    const byClients = s.latest.scoredBy === 'clients';
    $('accuracy-heading').textContent = byClients ? "Clients' test accuracy" : 'Global test accuracy';
    $('accuracy').textContent = pct(s.latest.globalTestAccuracy);
    $('loss').textContent = 'loss ' + fixed(s.latest.globalTestLoss, 4) + (s.latest.round === 0 ? ' (initial model)'
      : ' after ' + unit + ' ' + s.latest.round) + (byClients
      ? "; the aggregator holds no test set: the clients' scores, weighted by their test samples" : '');
    if (s.strategy) {
      const params = Object.entries(s.strategy.parameters || {}).map(([k, v]) => k + '=' + v).join(', ');
      $('strategy').textContent = s.strategy.name;
      $('sampling').textContent = (params ? params + '; ' : '') + (buffer
        ? 'asynchronous: every client sends its change when it is ready; each version waits for ' + buffer
        : Math.round(100 * s.strategy.fractionFit) + '% of clients a round, at least ' + s.strategy.minFitClients);
    }
    $('privacy-card').hidden = !s.privacy;
    if (s.privacy) {
      const p = s.privacy;
      $('epsilon').textContent = 'ε = ' + (p.epsilon == null ? '∞' : p.epsilon.toPrecision(3));
      $('privacy').textContent = 'the most-exposed client, at δ = ' + p.delta + ' after ' + s.round + ' rounds; clip '
        + p.clip + ', noise ' + p.noise + ', no amplification by sampling (the picks are public)';
    }
    const open = openRound();
    $('open-round').textContent = open ? unit + ' ' + open.round + ': ' + open.participants.length + ' / '
      + (buffer ? buffer + ' changes' : open.selected.length) : s.state === 'WAITING_FOR_CLIENTS'
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
    let latest = null;
    for (let n = run.rounds.size; n >= 1 && !latest; n--) {
      latest = run.rounds.get(n).confusion ? run.rounds.get(n) : null;
    }
    renderConfusion(latest);
    renderPersonalized();
    renderCrossSite();
  }

  // Each client's personalization of the final model: its score beside the global model's, on its own test split.
  function renderPersonalized() {
    const reports = view.live ? run.personalized : [];
    $('personalized-section').hidden = reports.length === 0;
    $('personalized').tBodies[0].replaceChildren(...reports.map(p => row([[p.clientId, 'class'],
      [String(p.epochs), 'number'], [String(p.numSamples), 'number'], [pct(p.globalAccuracy), 'number'],
      [pct(p.accuracy), 'number'], [((p.accuracy - p.globalAccuracy) * 100).toFixed(2) + ' points', 'number']],
      'personalized-' + p.clientId)));
  }

  const CROSS_SITE_STATES = { COLLECTING: 'collecting the sites\' last local models',
    SCORING: 'the sites score the models', DONE: 'done' };

  // The cross-site evaluation as a heat map: a row per site, a column per model (the global one first), each cell its
  // accuracy on the row's test split, shaded from red (0%) to green (100%); '-' where a site has not scored or its
  // model was not collected.
  function renderCrossSite() {
    const m = view.live ? run.crossSite : null;
    $('cross-site-section').hidden = !m || m.state === 'NONE';
    if (!m || m.state === 'NONE') {
      return;
    }
    $('cross-site-state').textContent = CROSS_SITE_STATES[m.state] ?? m.state;
    const head = document.createElement('tr');
    for (const text of ['site \\ model', 'Test samples', ...m.models]) {
      const th = document.createElement('th');
      th.textContent = text;
      head.appendChild(th);
    }
    $('cross-site').tHead.replaceChildren(head);
    $('cross-site').tBodies[0].replaceChildren(...m.rows.map(r => {
      const tr = row([[r.site, 'class'], [r.testSamples == null ? '-' : String(r.testSamples), 'number']],
        'cross-site-' + r.site);
      r.accuracy.forEach((a, k) => {
        const td = document.createElement('td');
        td.className = 'number heat';
        td.dataset.model = m.models[k];
        td.textContent = pct(a);
        if (a != null) {
          td.style.backgroundColor = 'hsl(' + Math.round(120 * a) + ', 70%, 82%)';
        }
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  // The newest round's confusion matrix summed over its clients (rows: true class, columns: predicted), then each
  // class's precision, recall and F1 and their macro averages.
  function renderConfusion(r) {
    $('confusion-section').hidden = !r;
    if (!r) {
      return;
    }
    const c = r.confusion;
    $('confusion-round').textContent = 'round ' + r.round + ', ' + c.perClass.reduce((n, k) => n + k.support, 0)
      + ' test samples of the clients';
    const head = document.createElement('tr');
    for (const text of ['true \\ predicted', ...c.classes]) {
      const th = document.createElement('th');
      th.textContent = text;
      head.appendChild(th);
    }
    $('confusion').tHead.replaceChildren(head);
    $('confusion').tBodies[0].replaceChildren(...c.counts.map((counts, t) => row([[c.classes[t], 'class'],
      ...counts.map(n => [String(n), 'number'])], 'confusion-' + t)));
    $('class-scores').tBodies[0].replaceChildren(...c.perClass.map((k, t) => row([[k.name, 'class'],
      [String(k.support), 'number'], [pct(k.precision), 'number'], [pct(k.recall), 'number'],
      [pct(k.f1), 'number f1']], 'class-' + t)), row([['macro average', 'class'], ['', 'number'],
      [pct(c.macroPrecision), 'number'], [pct(c.macroRecall), 'number'], [pct(c.macroF1), 'number f1']],
      'class-macro'));
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

  /**
   * False, with chart `id` removed, when `data` holds no point (before the first round closes, or another run's
   * chart was shown); else true.
   */
  function clearChart(id, data) {
    if (data[0].length >= 1) {
      return true;
    }
    if (charts[id]) {
      charts[id].plot.destroy();
      delete charts[id];
    }
    return false;
  }

  function draw(id, data, globalLabel, clientLabel, format, shown, yScale) {
    const el = $(id);
    const key = shown.join(',');
    if (!clearChart(id, data)) {
      return;
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

  // The event stream: the current run's events since the stream (re)opened, newest first, listed in the live view.
  const streamed = [];

  function eventItem(e) {
    const li = document.createElement('li');
    li.className = e.type;
    const at = document.createElement('time');
    at.textContent = new Date(e.at).toISOString().slice(11, 19);
    const type = document.createElement('span');
    type.className = 'type';
    type.textContent = e.type;
    li.append(at, type, document.createTextNode(e.detail ?? ''));
    return li;
  }

  function logEvent(e) {
    streamed.unshift(e);
    if (streamed.length > MAX_EVENTS) {
      streamed.pop();
    }
    if (!view.live) {
      return;
    }
    const list = $('events');
    list.prepend(eventItem(e));
    while (list.children.length > MAX_EVENTS) {
      list.lastChild.remove();
    }
  }

  function connect() {
    const source = new EventSource(withToken('/api/v1/events'));
    source.onopen = () => {
      // The stream starts again with the latest stored events, of the run served now (maybe a new one).
      streamed.length = 0;
      if (view.live) {
        $('events').replaceChildren();
      }
      view.streaming = true; // shown as live once the page has been read (renderFrame)
      want('all'); // whatever happened while not connected
    };
    source.onerror = () => {
      view.streaming = false;
      renderConnection();
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
      secagg: e => want('status'),
      'cross-site': e => want('status')
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
  queue(readAll);
  connect();
})();
