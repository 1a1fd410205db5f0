/**
 * Reveal the questions that go with the answer chosen, on GOV.UK Frontend's conditional reveal
 * markup: a radio button names its questions in `data-aria-controls`, and they sit in a
 * `govuk-radios__conditional` block after it. Without JavaScript every question shows.
 *
 * GOV.UK Frontend's own radios module does the same but also puts `aria-expanded` on each radio
 * button, a state ARIA does not allow on them (axe-core reports it), so a group that reveals
 * questions uses this module instead: `data-module="convene-reveal"`.
 */
function setUpReveal (root) {
  const inputs = [...root.querySelectorAll(':scope > .govuk-radios__item > input[type="radio"]')]
  const controlled = []
  for (const input of inputs) {
    const id = input.getAttribute('data-aria-controls')
    const block = id && document.getElementById(id)
    if (!block || !block.classList.contains('govuk-radios__conditional')) continue
    input.setAttribute('aria-controls', id)
    input.removeAttribute('data-aria-controls')
    controlled.push([input, block])
  }
  if (!controlled.length) return

  function sync () {
    for (const [input, block] of controlled) {
      block.classList.toggle('govuk-radios__conditional--hidden', !input.checked)
    }
  }

  root.addEventListener('change', sync)
  // A page restored from the back-forward cache keeps the choice made before.
  window.addEventListener('pageshow', sync)
  sync()
}

document.querySelectorAll('[data-module="convene-reveal"]').forEach(setUpReveal)
