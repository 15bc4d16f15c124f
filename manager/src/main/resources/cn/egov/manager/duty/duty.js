// The duty office page: a 签收 button acknowledges its report (POST as JSON, the manager's
// cross-site rule, with the session's CSRF token), then the page shows the new state. Served from the manager itself, so it runs
// under the Content-Security-Policy (no inline script).
'use strict';
document.addEventListener('click', function (event) {
  var button = event.target.closest('button[data-ack]');
  if (!button) {
    return;
  }
  var status = document.getElementById('ack-status');
  button.disabled = true;
  // the session's CSRF token: every page's log-out form carries it
  var csrf = document.querySelector('form.logout input[name=_csrf]');
  fetch(window.location.origin + '/api/duty/reports/' + encodeURIComponent(button.dataset.ack) + '/ack', {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : ''},
    body: JSON.stringify({note: ''})
  }).then(function (response) {
    return response.json().then(function (body) {
      if (response.ok) {
        window.location.reload();
      } else {
        status.textContent = body.error || ('HTTP ' + response.status);
        button.disabled = false;
      }
    });
  }).catch(function (error) {
    status.textContent = String(error);
    button.disabled = false;
  });
});
