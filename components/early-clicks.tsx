/**
 * Clicks made while a page is still loading are kept, not lost.
 *
 * Every page is rendered on the server, so its buttons show before the browser has run the
 * script that makes them work. A click in that window used to do nothing (a "Set limit" that
 * opens no dialog) or the browser's default (a checkbox React then put back, a form sent as a
 * GET to the page's own address). This script, inline in the document's head, holds such clicks
 * and form submissions until the app has hydrated, then replays them in order. Links and text
 * fields are left to the browser: they work without the app. A page whose script never runs
 * gets its held clicks back, natively, ten seconds after it loaded. Once released, <html> carries
 * data-hydrated="true" (a browser journey can wait on it).
 */
const SCRIPT = `(function () {
  var held = [];
  var released = false;
  var ACTION = 'button,input[type=checkbox],input[type=radio],input[type=submit],input[type=button],input[type=reset],label,[role=button],[role=tab],[role=checkbox],[role=switch],[role=menuitem],[role=option]';
  function onClick(event) {
    if (released || !event.isTrusted || !event.target || !event.target.closest) return;
    var el = event.target.closest(ACTION);
    if (!el || el.closest('a[href]')) return;
    if (el.tagName === 'LABEL') {
      var control = el.control;
      if (!control || (control.type !== 'checkbox' && control.type !== 'radio')) return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    held.push(function () { if (el.isConnected) el.click(); });
  }
  function onSubmit(event) {
    if (released) return;
    var form = event.target;
    var submitter = event.submitter || null;
    event.preventDefault();
    event.stopImmediatePropagation();
    held.push(function () {
      if (!form.isConnected) return;
      if (submitter && submitter.isConnected && submitter.form === form) form.requestSubmit(submitter);
      else form.requestSubmit();
    });
  }
  document.addEventListener('click', onClick, true);
  document.addEventListener('submit', onSubmit, true);
  function release() {
    if (released) return;
    released = true;
    document.documentElement.setAttribute('data-hydrated', 'true');
    document.removeEventListener('click', onClick, true);
    document.removeEventListener('submit', onSubmit, true);
    var replay = held;
    held = [];
    replay.forEach(function (act) { act(); });
  }
  window.__allotmentReleaseEarlyClicks = release;
  window.addEventListener('load', function () { setTimeout(release, 10000); });
})();`;

/** The inline script; render it in the root layout's <head>. */
export function EarlyClickScript() {
  return <script id="early-clicks" dangerouslySetInnerHTML={{ __html: SCRIPT }} />;
}

declare global {
  interface Window {
    /** Set by the script above; the app calls it once its root has hydrated (see Providers). */
    __allotmentReleaseEarlyClicks?: () => void;
  }
}
