// Marks the page as script-capable (what GOV.UK's template does inline; our CSP forbids inline
// scripts) and starts the GOV.UK and MOJ components.
import { initAll } from "/static/vendor/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
initAll();
