// The shadow DOM of <dcs-fleet>: filters (time range, name, status, what is shown; behind one
// button on a narrow element), the error and stale banners, the summary line and the attention
// list, the load progress, the lanes timeline and the table of instances. Texts come from
// applyStatic.
let template = null;

export function fleetTemplate() {
  if (template) return template;
  template = document.createElement("template");
  template.innerHTML = `
<div class="fleet-bar">
  <button id="filters-toggle" type="button" class="filters-toggle" aria-expanded="false" aria-controls="filters" data-i18n="fleet.filters.toggle"></button>
</div>
<form id="filters" class="filters fleet-filters" part="filters" role="search" novalidate data-i18n-attr="aria-label:fleet.filters">
  <div class="field">
    <label for="range" data-i18n="form.range"></label>
    <select id="range" name="range">
      <option value="1h" data-i18n="range.1h"></option>
      <option value="24h" data-i18n="range.24h"></option>
      <option value="7d" data-i18n="range.7d"></option>
      <option value="30d" data-i18n="range.30d"></option>
      <option value="all" data-i18n="range.all"></option>
    </select>
  </div>
  <div class="field field-search">
    <label for="name" data-i18n="fleet.name"></label>
    <input id="name" name="name" type="search" autocomplete="off" data-i18n-attr="placeholder:fleet.name.placeholder">
  </div>
  <div class="field">
    <label for="status" data-i18n="fleet.status"></label>
    <select id="status" name="status"></select>
  </div>
  <div class="field">
    <label for="concern" data-i18n="fleet.concern"></label>
    <select id="concern" name="concern"></select>
  </div>
  <div class="field">
    <span class="label-gap" aria-hidden="true">&nbsp;</span>
    <button id="reload" type="button" class="primary" data-i18n="refresh.now"></button>
  </div>
</form>

<div id="error-banner" class="banner" part="error" role="alert" hidden>
  <div class="banner-body">
    <strong data-i18n="fleet.failed"></strong>
    <p id="error-message"></p>
    <dl id="error-fields" class="error-fields"></dl>
  </div>
</div>

<div id="stale-banner" class="banner banner-stale" part="stale" role="status" hidden>
  <div class="banner-body">
    <strong id="stale-title"></strong>
    <p id="stale-message"></p>
  </div>
</div>

<section id="attention-section" class="attention-section" aria-labelledby="attention-heading">
  <h2 id="attention-heading" class="attention-heading" data-i18n="fleet.attention.heading"></h2>
  <p id="summary" class="summary" aria-live="polite"></p>
  <ol id="attention" class="attention" part="attention" aria-labelledby="attention-heading"></ol>
  <p id="attention-none" class="muted attention-none" data-i18n="fleet.attention.none" hidden></p>
</section>

<section id="fleet-section" class="tasks-section" aria-labelledby="fleet-heading">
  <h2 id="fleet-heading" class="sr-only" data-i18n="fleet.heading"></h2>
  <div class="toolbar" part="toolbar">
    <p id="count" class="count" aria-live="polite"></p>
    <span class="toolbar-right">
      <span id="updated" class="muted small-text"></span>
      <span id="live-line" class="muted small-text"></span>
    </span>
  </div>
  <div id="load-box" class="load-all" hidden>
    <progress id="load-progress" max="1" value="0" aria-labelledby="load-text"></progress>
    <span id="load-text" aria-live="polite"></span>
    <button id="load-cancel" type="button" data-i18n="all.cancel"></button>
  </div>
  <div id="timeline" class="timeline" part="timeline" hidden></div>
  <div class="table-wrap">
    <table id="fleet" class="tasks fleet" part="table">
      <thead></thead>
      <tbody></tbody>
    </table>
  </div>
  <p id="empty" class="empty muted"></p>
</section>`;
  return template;
}
