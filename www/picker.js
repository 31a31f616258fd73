// The instance picker: the instance field as an ARIA 1.2 combobox over the project's instances
// (DcsClient.listAllInstances). Typing filters by name, ID, status (as sent or as shown, in either
// language: "error", "冻结") or engine; each option shows the name, the status and the engine (at
// most 50, then how many more match); arrow keys move, Enter or a click picks, Escape closes. A picked instance
// is shown by its name (when no other has it). Anything typed is still accepted as an instance ID
// (an instance the listing does not show, a proxy that refuses ListInstances).
import { t } from "./strings.js";

const MAX_SHOWN = 50;

export class InstancePicker {
  #reveal;
  #statusLabel;
  #statusLabels;
  #input;
  #list;
  #onPick;
  #instances = [];
  #texts = [];
  #shown = [];
  #active = -1;
  #abort = null;
  /** Called when the instances are known (the page names what it shows). */
  onList = null;

  /** `reveal`: the package's `revealText` (names shown with their invisible characters marked);
   * `statusLabel(status)`: a status as the page shows it, `statusLabels(status)`: every
   * language's (what typing matches). */
  constructor(input, list, onPick, reveal = (s) => s, statusLabel = (s) => s, statusLabels = (s) => [s]) {
    this.#reveal = reveal;
    this.#statusLabel = statusLabel;
    this.#statusLabels = statusLabels;
    this.#input = input;
    this.#list = list;
    this.#onPick = onPick;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.addEventListener("input", () => this.#open());
    input.addEventListener("focus", () => { if (this.#instances.length) this.#open(); });
    input.addEventListener("keydown", (e) => this.#key(e));
    input.addEventListener("blur", () => setTimeout(() => this.#close(), 150));
    list.addEventListener("pointerdown", (e) => e.preventDefault()); // keep the focus in the field
    list.addEventListener("click", (e) => {
      const li = e.target.closest("[role=option]");
      if (li) this.#pick(Number(li.dataset.index));
    });
  }

  /** The instances of the project, from `client` (errors leave the field a plain ID field). */
  async load(client) {
    this.#abort?.abort();
    const ac = new AbortController();
    this.#abort = ac;
    const got = [];
    try {
      for await (const i of client.listAllInstances({}, { signal: ac.signal })) got.push(i);
    } catch {
      if (ac.signal.aborted) return;
    }
    if (ac.signal.aborted) return;
    this.use(got);
  }

  /** The instances listed elsewhere (the fleet view lists them anyway: not asked twice). */
  use(instances) {
    this.#abort?.abort();
    this.#instances = [...instances].sort((a, b) => String(a.name).localeCompare(String(b.name)));
    // What typing matches, made once per list (the same in every language).
    this.#texts = this.#instances.map((i) =>
      [i.name, i.instanceId, i.status, ...this.#statusLabels(i.status), i.engine, i.engineVersion].join(" ").toLowerCase());
    this.#input.dataset.instances = String(this.#instances.length);
    this.onList?.();
  }

  /** The listed instance of this ID, or null. */
  instanceOf(id) {
    return this.#instances.find((i) => i.instanceId === id) ?? null;
  }

  /** The name that stands for this ID in the field (its instance's, when no other has it), or null. */
  nameOf(id) {
    const name = this.instanceOf(id)?.name;
    return name && this.resolve(name) === id ? name : null;
  }

  /** What the field's text names: the ID of the one instance with that exact name, else the text (an ID). */
  resolve(text) {
    const named = this.#instances.filter((i) => i.name === text);
    return named.length === 1 ? named[0].instanceId : text;
  }

  #open() {
    const q = this.#input.value.trim().toLowerCase();
    const matches = q ? this.#instances.filter((_, k) => this.#texts[k].includes(q)) : this.#instances;
    this.#shown = matches.slice(0, MAX_SHOWN);
    this.#active = -1;
    this.#input.removeAttribute("aria-activedescendant");
    this.#list.replaceChildren(...this.#shown.map((i, index) => {
      const li = document.createElement("li");
      li.id = `instance-option-${index}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.index = String(index);
      li.dataset.instanceId = i.instanceId;
      const name = document.createElement("span");
      name.className = "opt-name";
      name.textContent = this.#reveal(i.name) || i.instanceId;
      const meta = document.createElement("span");
      meta.className = "opt-meta";
      meta.textContent = [i.status && this.#statusLabel(i.status), [i.engine, i.engineVersion].filter(Boolean).join(" "), i.instanceId].filter(Boolean).join(" · ");
      li.append(name, meta);
      return li;
    }));
    const note = (text) => {
      const li = document.createElement("li");
      li.className = "opt-none";
      li.setAttribute("aria-disabled", "true");
      li.textContent = text;
      this.#list.append(li);
    };
    if (this.#shown.length === 0 && q && this.#instances.length) note(t("picker.none"));
    if (matches.length > this.#shown.length) note(t("picker.more", { n: matches.length - this.#shown.length }));
    const open = this.#list.childElementCount > 0;
    this.#list.hidden = !open;
    this.#input.setAttribute("aria-expanded", String(open));
  }

  #close() {
    this.#list.hidden = true;
    this.#input.setAttribute("aria-expanded", "false");
    this.#input.removeAttribute("aria-activedescendant");
    this.#active = -1;
  }

  #move(to) {
    const n = this.#shown.length;
    if (!n) return;
    this.#active = (to + n) % n;
    for (const li of this.#list.querySelectorAll("[role=option]")) li.setAttribute("aria-selected", String(Number(li.dataset.index) === this.#active));
    const li = this.#list.querySelector(`#instance-option-${this.#active}`);
    this.#input.setAttribute("aria-activedescendant", li.id);
    li.scrollIntoView({ block: "nearest" });
  }

  #key(e) {
    const open = !this.#list.hidden;
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open) this.#open();
      this.#move(this.#active + 1);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (open) this.#move(this.#active - 1);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      this.#close();
    } else if (e.key === "Enter" && open && this.#active >= 0) {
      e.preventDefault();
      this.#pick(this.#active);
    }
  }

  #pick(index) {
    const i = this.#shown[index];
    if (!i) return;
    this.#input.value = this.nameOf(i.instanceId) ?? i.instanceId;
    this.#close();
    this.#onPick(i.instanceId);
  }
}
