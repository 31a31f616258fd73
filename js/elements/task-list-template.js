// The shadow DOM of <dcs-task-list>: filters, error banner, toolbar (count, auto-refresh, paging,
// "Load all", exports), "Load all" progress, timeline, table. The texts are filled in by
// applyStatic (data-i18n) in the element's language; ids are the shadow root's own.
let template = null;

export function taskListTemplate() {
  if (template) return template;
  template = document.createElement("template");
  template.innerHTML = `
<form id="filters" class="filters" part="filters" role="search" novalidate>
  <div class="field">
    <label for="range" data-i18n="form.range"></label>
    <select id="range" name="range">
      <option value="all" data-i18n="range.all"></option>
      <option value="1h" data-i18n="range.1h"></option>
      <option value="24h" data-i18n="range.24h"></option>
      <option value="7d" data-i18n="range.7d"></option>
      <option value="30d" data-i18n="range.30d"></option>
      <option value="custom" data-i18n="range.custom"></option>
    </select>
  </div>
  <div class="field" id="custom-from" hidden>
    <label for="from" data-i18n="form.from"></label>
    <input id="from" name="from" type="datetime-local" step="1">
  </div>
  <div class="field" id="custom-to" hidden>
    <label for="to" data-i18n="form.to"></label>
    <input id="to" name="to" type="datetime-local" step="1">
  </div>
  <div class="field">
    <label for="status" data-i18n="form.status"></label>
    <select id="status" name="status"></select>
  </div>
  <div class="field">
    <label for="type" data-i18n="form.type"></label>
    <select id="type" name="type"></select>
  </div>
  <div class="field field-search">
    <label for="search" data-i18n="form.search"></label>
    <input id="search" name="q" type="search" autocomplete="off" data-i18n-attr="placeholder:form.search.placeholder">
  </div>
</form>

<div id="error-banner" class="banner" part="error" role="alert" hidden>
  <div class="banner-body">
    <strong id="error-title" data-i18n="error.title"></strong>
    <p id="error-message"></p>
    <dl id="error-fields" class="error-fields"></dl>
  </div>
  <button id="error-dismiss" type="button" class="ghost" data-i18n="error.dismiss"></button>
</div>

<section id="tasks-section" class="tasks-section" aria-labelledby="tasks-heading">
  <h2 id="tasks-heading" class="sr-only"></h2>
  <div class="toolbar" part="toolbar">
    <div class="toolbar-left">
      <p id="count" class="count" aria-live="polite"></p>
      <div class="refresh" id="refresh">
        <label class="toggle"><input id="auto-refresh" type="checkbox"> <span data-i18n="refresh.toggle"></span></label>
        <span id="refresh-indicator" class="refresh-indicator" data-state="off"><span class="dot" aria-hidden="true"></span><span id="refresh-text"></span></span>
        <button id="refresh-now" type="button" class="ghost small" data-i18n="refresh.now"></button>
        <span id="updated" class="muted small-text"></span>
      </div>
    </div>
    <div class="toolbar-right">
      <div class="pager" id="pager">
        <label for="page-size" data-i18n="form.pageSize"></label>
        <select id="page-size">
          <option>10</option><option>20</option><option>50</option><option>100</option>
        </select>
        <button id="prev" type="button" data-i18n-attr="aria-label:page.prev;title:page.prev">‹</button>
        <span id="page-info" class="page-info"></span>
        <button id="next" type="button" data-i18n-attr="aria-label:page.next;title:page.next">›</button>
      </div>
      <button id="back-to-pages" type="button" hidden data-i18n="page.back"></button>
      <button id="load-all" type="button" class="primary" data-i18n="all.load"></button>
      <button id="export-csv" type="button" data-i18n="export.csv"></button>
      <button id="export-json" type="button" data-i18n="export.json"></button>
    </div>
  </div>
  <div id="load-all-box" class="load-all" hidden>
    <progress id="load-all-progress" max="1" value="0" aria-labelledby="load-all-text"></progress>
    <span id="load-all-text" aria-live="polite"></span>
    <button id="load-all-cancel" type="button" data-i18n="all.cancel"></button>
  </div>
  <div id="timeline" class="timeline" part="timeline" hidden></div>
  <div class="table-wrap">
    <table id="tasks" class="tasks" part="table">
      <thead></thead>
      <tbody></tbody>
    </table>
  </div>
  <p id="empty" class="empty muted"></p>
</section>
<div id="live" class="sr-only" aria-live="polite"></div>`;
  return template;
}
