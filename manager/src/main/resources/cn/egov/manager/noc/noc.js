// The NOC pages' script, served from the manager itself (the CSP allows no inline script):
// health graphs drawn with ECharts (the vendored WebJar) from /api/noc/units/{unit}/series, and
// the alarm actions (acknowledge, assign, comment) posted as JSON with the session's CSRF token.
'use strict';
(function () {
  var status = document.getElementById('noc-status');

  function csrf() {
    // every page's log-out form carries the session's CSRF token
    var input = document.querySelector('form.logout input[name=_csrf]');
    return input ? input.value : '';
  }

  function fail(error) {
    if (status) {
      status.textContent = String(error && error.message ? error.message : error);
    }
  }

  function post(path, body) {
    return fetch(window.location.origin + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf()},
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          throw new Error(answer.error || ('HTTP ' + response.status));
        }
        return answer;
      });
    });
  }

  function alarmPath(id, action) {
    return '/api/noc/alarms/' + encodeURIComponent(id) + '/' + action;
  }

  document.addEventListener('click', function (event) {
    var ack = event.target.closest('button[data-ack]');
    if (ack) {
      ack.disabled = true;
      post(alarmPath(ack.dataset.ack, 'ack'), {}).then(function () {
        window.location.reload();
      }).catch(function (error) {
        fail(error);
        ack.disabled = false;
      });
      return;
    }
    var range = event.target.closest('button[data-hours]');
    if (range) {
      draw(Number(range.dataset.hours));
    }
  });

  document.addEventListener('submit', function (event) {
    var form = event.target;
    var body = null;
    var action = null;
    if (form.matches('form.assign')) {
      action = 'assign';
      body = {assignee: form.elements.assignee.value};
    } else if (form.matches('form.comment')) {
      action = 'comments';
      body = {text: form.elements.text.value};
    } else {
      return;
    }
    event.preventDefault();
    post(alarmPath(form.dataset.alarm, action), body).then(function () {
      window.location.reload();
    }).catch(fail);
  });

  var charts = {};

  function draw(hours) {
    var shown = document.getElementById('range-shown');
    if (shown) {
      shown.textContent = hours < 72 ? hours + ' 小时 h' : (hours / 24) + ' 天 d';
    }
    document.querySelectorAll('div.chart').forEach(function (div) {
      var url = '/api/noc/units/' + encodeURIComponent(div.dataset.unit) + '/series?metric=' + encodeURIComponent(div.dataset.metric)
        + '&hours=' + hours;
      fetch(url, {credentials: 'same-origin'}).then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) {
            throw new Error(answer.error || ('HTTP ' + response.status));
          }
          return answer;
        });
      }).then(function (series) {
        var chart = charts[div.id] || (charts[div.id] = echarts.init(div, null, {renderer: 'canvas'}));
        function line(name, index, colour) {
          return {
            name: name, type: 'line', showSymbol: series.points.length < 60, symbolSize: 4, lineStyle: {width: name === 'avg' ? 2 : 1},
            itemStyle: {color: colour}, data: series.points.map(function (p) { return [p[0], p[index]]; })
          };
        }
        chart.setOption({
          animation: false,
          tooltip: {trigger: 'axis'},
          legend: {data: ['max', 'avg', 'min'], top: 0},
          grid: {left: 8, right: 16, top: 28, bottom: 8, containLabel: true},
          xAxis: {type: 'time', min: series.from, max: series.to},
          yAxis: {type: 'value', scale: true},
          series: [line('max', 3, '#c62828'), line('avg', 2, '#1f3b63'), line('min', 1, '#2e7d32')]
        }, true);
        div.dataset.points = String(series.points.length);
        div.dataset.resolution = series.resolution;
      }).catch(fail);
    });
  }

  if (document.querySelector('div.chart')) {
    draw(6);
  }
})();
