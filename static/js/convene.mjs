import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

/**
 * Warn before an idle session ends and let the user keep it (WCAG 2.2.1 Timing adjustable).
 *
 * The server ends a session that has made no request for `idle` seconds. This page shows a
 * warning `warning` seconds before that; "Stay signed in" (or Escape) makes a request, which
 * renews the session. Deadlines are checked once a second against the clock rather than with
 * one long timer, because browsers delay timers in background tabs and while a laptop sleeps.
 */
function setUpSessionTimeout (root) {
  const idleMs = Number(root.dataset.idleSeconds) * 1000
  const warningMs = Number(root.dataset.warningSeconds) * 1000
  const { keepaliveUrl, loginUrl } = root.dataset
  const dialog = root.querySelector('dialog')
  const stayButton = root.querySelector('[data-session-timeout-stay]')
  const minutesText = root.querySelector('[data-session-timeout-minutes]')
  if (!idleMs || !dialog || !stayButton || !minutesText || typeof dialog.showModal !== 'function') return

  // The server starts counting when it sends the page; give it a moment to have signed us out.
  const graceMs = 5000
  let lastRequestAt = Date.now()

  function minutesLeft (ms) {
    const minutes = Math.max(1, Math.ceil(ms / 60000))
    return minutes === 1 ? '1 minute' : `${minutes} minutes`
  }

  function goToSignIn () {
    const here = window.location.pathname + window.location.search
    window.location.assign(`${loginUrl}?next=${encodeURIComponent(here)}`)
  }

  async function staySignedIn () {
    const token = document.querySelector('meta[name="csrf-token"]')?.content ?? ''
    let response
    try {
      response = await fetch(keepaliveUrl, {
        method: 'POST',
        headers: { 'X-CSRFToken': token },
        credentials: 'same-origin'
      })
    } catch (error) {
      // Offline: keep the warning open so the user can try again.
      return
    }
    if (!response.ok) {
      goToSignIn()
      return
    }
    lastRequestAt = Date.now()
    dialog.close()
  }

  function tick () {
    const left = lastRequestAt + idleMs - Date.now()
    if (left <= -graceMs) {
      window.clearInterval(timer)
      goToSignIn()
    } else if (left <= warningMs) {
      minutesText.textContent = minutesLeft(left)
      if (!dialog.open) {
        dialog.showModal()
        stayButton.focus()
      }
    } else if (dialog.open) {
      dialog.close()
    }
  }

  stayButton.addEventListener('click', staySignedIn)
  // Escape fires "cancel": treat it as "Stay signed in" and close once the server agrees.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    staySignedIn()
  })
  // Requests made without a page load (htmx) renew the session too.
  document.addEventListener('htmx:afterRequest', () => {
    lastRequestAt = Date.now()
  })
  const timer = window.setInterval(tick, 1000)
}

const sessionTimeout = document.getElementById('session-timeout')
if (sessionTimeout) {
  setUpSessionTimeout(sessionTimeout)
}

/**
 * A form with no action posts to the page's own address, fragment and all: after the skip link
 * ("#main-content"), the page that comes back with errors would jump to the main content and the
 * error summary would not get focus. Post to the address without its fragment instead.
 */
document.addEventListener('submit', (event) => {
  const form = event.target
  if (form instanceof HTMLFormElement && !form.getAttribute('action') && window.location.hash) {
    form.setAttribute('action', window.location.pathname + window.location.search)
  }
}, true)

/**
 * A second press of a form's button within a moment of the first is ignored, so a double click
 * sends one link, adds one action or one comment (as GOV.UK Frontend's preventDoubleClick does,
 * for every form).
 */
document.addEventListener('submit', (event) => {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return
  const last = Number(form.dataset.submittedAt || 0)
  if (Date.now() - last < 2000) {
    event.preventDefault()
    return
  }
  form.dataset.submittedAt = String(Date.now())
})
