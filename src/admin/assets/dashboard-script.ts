/**
 * The dashboard's browser script (plain ES2020, no framework, no build step). It renders `/status`,
 * then follows `/events` (server-sent events) and re-renders on every `status` event. All text goes
 * through `textContent`, so names from the configuration can never inject markup.
 */
export const dashboardJs = `'use strict';
(function () {
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'class') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function td(text, cls) { return el('td', { text: String(text), class: cls || '' }); }
  function num(n) { return td(n, 'num'); }
  function badge(state) { return el('td', {}, [el('span', { class: 'badge b-' + state, text: state })]); }
  function table(headers, rows) {
    return el('table', {}, [
      el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, rows),
    ]);
  }
  function replace(id, node, emptyText) {
    var box = document.getElementById(id);
    box.textContent = '';
    box.appendChild(node || el('p', { class: 'empty', text: emptyText }));
  }
  function ago(ms) {
    if (ms === null) return '-';
    var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (s < 120) return s + 's ago';
    if (s < 7200) return Math.round(s / 60) + 'm ago';
    return Math.round(s / 3600) + 'h ago';
  }
  var ERRORS = ['packet_len_err', 'advert_interval_err', 'ip_ttl_err', 'invalid_type_rcvd', 'addr_list_err',
    'invalid_authtype', 'authtype_mismatch', 'auth_failure'];

  function renderInstances(list) {
    if (list.length === 0) return replace('instances', null, 'no VRRP instances');
    var rows = list.map(function (i) {
      var errors = ERRORS.reduce(function (n, k) { return n + (i.stats[k] || 0); }, 0);
      var trackers = el('td', { class: 'wrap' }, i.trackers.map(function (t) {
        return el('span', {
          class: 'tracker ' + (t.up ? 'up' : 'down'),
          title: t.reason,
          text: t.kind + ' ' + t.name + (t.weight ? ' (' + (t.weight > 0 ? '+' : '') + t.weight + ')' : '') +
            (t.up ? '' : ': ' + t.reason),
        });
      }));
      return el('tr', { class: 'st-' + i.state, 'data-instance': i.name, 'data-state': i.state }, [
        el('td', {}, [el('b', { text: i.name })]),
        badge(i.state),
        num(i.effectivePriority + (i.effectivePriority !== i.basePriority ? ' (' + i.basePriority + ')' : '')),
        td(i.interface), num(i.vrid), td('v' + i.version),
        td(i.masterAddress === null ? '-' : i.masterAddress),
        el('td', { class: 'wrap' }, i.vips.map(function (v) {
          return el('div', { text: v.address + ' dev ' + v.interface + (v.installed ? '' : ' (not set)') });
        })),
        trackers,
        num(i.stats.advert_rcvd + ' / ' + i.stats.advert_sent),
        num(i.stats.become_master), num(errors),
        td(ago(i.lastTransition)),
      ]);
    });
    replace('instances', table(['Instance', 'State', 'Priority', 'Interface', 'VRID', 'Ver', 'Master',
      'VIPs', 'Trackers', 'Adverts rx / tx', 'Became master', 'Errors', 'Last change'], rows));
  }

  function renderGroups(list) {
    document.getElementById('groups-section').hidden = list.length === 0;
    replace('groups', table(['Group', 'State', 'Instances'], list.map(function (g) {
      return el('tr', { class: 'st-' + g.state }, [td(g.name), badge(g.state), td(g.instances.join(', '))]);
    })));
  }

  function control(upstream, server, action) {
    var url = '/api/upstreams/' + encodeURIComponent(upstream) + '/servers/' + encodeURIComponent(server) +
      '/' + action;
    fetch(url, { method: 'POST', credentials: 'same-origin' }).then(function (r) {
      if (!r.ok) r.text().then(function (t) { alert(action + ' failed: ' + t); });
    });
  }

  function renderUpstreams(list) {
    if (list.length === 0) return replace('upstreams', null, 'no upstreams');
    var box = el('div');
    list.forEach(function (u) {
      var up = u.peers.filter(function (p) { return p.available; }).length;
      box.appendChild(el('h3', {}, [
        document.createTextNode(u.name + ' '),
        el('small', { text: u.kind + ', ' + u.method + ', ' + up + '/' + u.peers.length + ' available' }),
      ]));
      var rows = u.peers.map(function (p) {
        var action = p.drained ? 'undrain' : 'drain';
        var btn = el('button', { text: p.drained ? 'Undrain' : 'Drain', 'data-action': action });
        btn.addEventListener('click', function () { control(u.name, p.server, action); });
        var r = p.responses;
        return el('tr', { class: 'st-' + p.state, 'data-upstream': u.name, 'data-server': p.server,
          'data-state': p.state }, [
          td(p.server), badge(p.state), num(p.weight), td(p.backup ? 'backup' : ''),
          num(p.activeConnections), num(p.fails + '/' + p.maxFails), num(p.selections), num(p.requests),
          num(r['1xx']), num(r['2xx']), num(r['3xx']), num(r['4xx']), num(r['5xx']),
          num(p.connectionErrors), el('td', {}, [btn]),
        ]);
      });
      box.appendChild(table(['Server', 'State', 'Weight', 'Role', 'Active', 'Fails', 'Selected', 'Requests',
        '1xx', '2xx', '3xx', '4xx', '5xx', 'Conn errors', ''], rows));
    });
    replace('upstreams', box);
  }

  function renderListeners(list) {
    if (list.length === 0) return replace('listeners', null, 'no listeners');
    replace('listeners', table(['Frontend', 'Kind', 'Address', 'Bound', 'Follows', 'Active'],
      list.map(function (l) {
        return el('tr', { class: l.bound ? 'st-UP' : 'st-MAINT' }, [
          td(l.name), td(l.kind), td(l.address + ':' + l.port), td(l.bound ? 'yes' : 'no'),
          td(l.follows === null ? '-' : l.follows), num(l.activeConnections),
        ]);
      })));
  }

  function render(s) {
    document.getElementById('host').textContent = s.hostname + ' - Tandem v' + s.version;
    renderInstances(s.instances);
    renderGroups(s.syncGroups);
    renderUpstreams(s.upstreams);
    renderListeners(s.listeners);
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.setAttribute('data-rendered', String(Date.now()));
  }

  function live(on) {
    var e = document.getElementById('live');
    e.className = 'live ' + (on ? 'on' : 'off');
    e.textContent = on ? 'live' : 'disconnected, retrying…';
  }

  var es = new EventSource('/events');
  es.addEventListener('status', function (ev) { live(true); render(JSON.parse(ev.data)); });
  es.onerror = function () { live(false); };
})();
`;
