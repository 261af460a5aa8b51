/* Digihjelpen's chat widget: plain JavaScript, no build step, no dependencies.
 *
 * Any intranet page can include it:  <script src="https://digihjelpen.example.no/widget.js" defer></script>
 * It adds a launcher button and a chat panel. On a page with an element marked `data-digihjelpen`
 * the chat is shown inside that element instead (the standalone page at / does this).
 *
 * The widget lives in a shadow root, so the host page's styles do not leak in. It talks only to
 * the service it was loaded from, which keeps the conversation id in an HttpOnly cookie. The bot's
 * text is always inserted as text nodes (links are built as elements), never as HTML. Its own texts
 * (bot/texts/widget.yml) and language come in the municipality's written standard when the service
 * serves the script (bot/web/chat.py fills in the TEXT line).
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const BASE = new URL("./", script ? script.src : window.location.href);
  const TEXT = {}; const LANG = "nb"; // filled in when served (bot/web/chat.py)
  const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
  const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    for (const child of children || []) node.append(child);
    return node;
  }

  function safeHref(candidate) {
    try {
      const url = new URL(candidate);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  /** Text with its http(s) addresses as links, built from nodes. */
  function linkified(text) {
    const nodes = [];
    let last = 0;
    for (const match of text.matchAll(URL_PATTERN)) {
      const address = match[0].replace(TRAILING_PUNCTUATION, "");
      const href = safeHref(address);
      if (!href) continue;
      nodes.push(text.slice(last, match.index));
      nodes.push(el("a", { href: href, target: "_blank", rel: "noopener noreferrer" },
        [address, el("span", { class: "dh-sr" }, [" " + TEXT.newTab])]));
      last = match.index + address.length;
    }
    nodes.push(text.slice(last));
    return nodes;
  }

  function api(path, options) {
    return fetch(new URL(path, BASE), Object.assign({ credentials: "same-origin" }, options));
  }

  async function json(response) {
    try {
      return await response.json();
    } catch (error) {
      return {};
    }
  }

  function build(inline) {
    const heading = el(inline ? "h1" : "h2", { id: "dh-title", class: "dh-title" }, [TEXT.title]);
    const remove = el("button", { type: "button", class: "dh-secondary" }, [TEXT.remove]);
    const close = el("button", { type: "button", class: "dh-secondary", "aria-label": TEXT.closeLabel }, [TEXT.close]);
    const log = el("div", { class: "dh-log", role: "log", "aria-live": "polite", "aria-label": TEXT.log, tabindex: "0" });
    const typing = el("p", { class: "dh-typing", role: "status" });
    // IT's service messages (driftsmeldinger) for tools, filled from api/service-messages.
    const banner = el("div", { class: "dh-banner", role: "status", "aria-label": TEXT.banner });
    const input = el("textarea", { id: "dh-input", rows: "2", autocomplete: "off", "aria-describedby": "dh-hint" });
    const form = el("form", { class: "dh-composer" }, [
      el("label", { for: "dh-input" }, [TEXT.label]),
      el("div", { class: "dh-row" }, [input, el("button", { type: "submit" }, [TEXT.send])]),
      el("p", { id: "dh-hint", class: "dh-hint" }, [TEXT.hint]),
    ]);
    const panel = el(inline ? "section" : "div", { id: "dh-panel", class: "dh-panel", "aria-labelledby": "dh-title" }, [
      el("div", { class: "dh-header" }, inline ? [heading, remove] : [heading, remove, close]),
      banner,
      el("p", { class: "dh-notice" }, [TEXT.notice]),
      log, typing, form,
    ]);
    const launcher = el("button", { type: "button", class: "dh-launcher", "aria-expanded": "false", "aria-controls": "dh-panel" }, [TEXT.open]);
    if (!inline) {
      panel.setAttribute("role", "dialog");
      panel.hidden = true;
    }
    const container = el("div", { class: "dh " + (inline ? "dh-inline" : "dh-float"), lang: LANG },
      inline ? [panel] : [launcher, panel]);
    return { container, panel, launcher, close, remove, banner, log, typing, form, input };
  }

  function start(host, inline) {
    const root = host.attachShadow({ mode: "open" });
    const ui = build(inline);
    ui.container.hidden = true; // until the styles are in
    const styles = el("link", { rel: "stylesheet", href: new URL("static/widget.css", BASE).href });
    const show = () => { ui.container.hidden = false; };
    styles.addEventListener("load", show);
    styles.addEventListener("error", show);
    root.append(styles, ui.container);

    let queue = Promise.resolve(); // messages go out (and come back) one at a time, in order
    let historyLoaded = false;

    function scrollDown() {
      ui.log.scrollTop = ui.log.scrollHeight;
    }

    function addMessage(from, text, buttons) {
      const body = el("div", { class: "dh-text" }, linkified(text || ""));
      const item = el("div", { class: "dh-msg dh-" + from }, [
        el("span", { class: "dh-sr" }, [from === "user" ? TEXT.you : TEXT.bot]), " ", body,
      ]);
      if (buttons && buttons.length) {
        item.append(el("div", { class: "dh-buttons", role: "group", "aria-label": TEXT.choices },
          buttons.map((button) => {
            const choice = el("button", { type: "button", class: "dh-choice" }, [button.title]);
            choice.addEventListener("click", () => send(button.payload, button.title));
            return choice;
          })));
      }
      ui.log.append(item);
      scrollDown();
      return body;
    }

    function addNote(kind, text, retry) {
      const note = el("div", { class: "dh-msg dh-" + kind }, [el("span", {}, [text])]);
      if (retry) {
        const again = el("button", { type: "button", class: "dh-secondary" }, [TEXT.retry]);
        again.addEventListener("click", () => {
          note.remove();
          ui.input.focus();
          queue = queue.then(retry);
        });
        note.append(" ", again);
      }
      ui.log.append(note);
      scrollDown();
    }

    function setTyping(on) {
      ui.typing.replaceChildren(...(on ? [TEXT.typing] : []));
      ui.typing.classList.toggle("dh-on", on);
    }

    async function deliver(text, shown, typed) {
      setTyping(true);
      let response = null;
      let data = {};
      try {
        response = await api("api/messages", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ message: text }),
        });
        data = await json(response);
      } catch (error) {
        response = null;
      } finally {
        setTyping(false);
      }
      if (!response || response.status === 429 || response.status >= 500) {
        addNote("error", (response && data.error) || TEXT.offline, () => deliver(text, shown, typed));
        return;
      }
      if (!response.ok) { // refused as it is (too long, empty): give the text back to edit
        shown.closest(".dh-msg").remove();
        if (typed && !ui.input.value) ui.input.value = text;
        addNote("error", data.error || TEXT.offline, null);
        return;
      }
      if (typed && data.message) shown.replaceChildren(...linkified(data.message)); // as stored: masked
      for (const reply of data.replies || []) addMessage("bot", reply.text, reply.buttons);
    }

    /** Send `text`; the conversation shows `title` (a button's title) or the text itself. */
    function send(text, title) {
      const shown = addMessage("user", title || text);
      queue = queue.then(() => deliver(text, shown, !title));
    }

    async function loadHistory() {
      if (historyLoaded) return;
      historyLoaded = true;
      try {
        const response = await api("api/history");
        if (!response.ok) return;
        const messages = (await json(response)).messages || [];
        for (const message of messages) {
          addMessage(message.from, message.text, message.buttons);
        }
        if (!messages.length) await showWelcome();
      } catch (error) {
        // No history (the service is down): the first message will show the error.
      }
    }

    /** The greeting of a conversation with nothing in it yet: what Digihjelpen does and a few
     * questions to try as buttons (api/welcome). Once the employee has written, the history
     * restores the conversation instead, so a reload does not greet again. */
    async function showWelcome() {
      try {
        const response = await api("api/welcome");
        if (!response.ok) return;
        const greeting = await json(response);
        if (greeting.text) addMessage("bot", greeting.text, greeting.buttons).parentElement.classList.add("dh-welcome");
      } catch (error) {
        // No greeting when the service cannot be reached; the first message shows the error.
      }
    }

    /** The service messages shown now, as the banner above the conversation (empty: no banner). */
    async function loadBanner() {
      try {
        const response = await api("api/service-messages");
        if (!response.ok) return;
        const messages = (await json(response)).messages || [];
        ui.banner.replaceChildren(...messages.map((message) => el("p", { class: "dh-banner-item" }, [
          el("strong", {}, [TEXT.bannerFor + message.tool + ":"]), " ", ...linkified(message.text || ""),
        ])));
      } catch (error) {
        // No banner when the service cannot be reached; the chat says so when a message is sent.
      }
    }

    async function removeConversation() {
      const response = await api("api/conversation", { method: "DELETE" }).catch(() => null);
      if (!response || !response.ok) {
        addNote("error", (response && (await json(response)).error) || TEXT.offline, null);
        return;
      }
      ui.log.replaceChildren();
      addNote("note", TEXT.removed, null);
      await showWelcome(); // a new conversation
    }

    ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = ui.input.value.trim();
      if (!text) return;
      ui.input.value = "";
      send(text);
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.form.requestSubmit();
      }
    });
    ui.remove.addEventListener("click", () => {
      if (window.confirm(TEXT.confirmRemove)) queue = queue.then(removeConversation);
      ui.input.focus();
    });

    function open() {
      ui.panel.hidden = false;
      ui.launcher.hidden = true;
      ui.launcher.setAttribute("aria-expanded", "true");
      loadBanner();
      queue = queue.then(loadHistory);
      ui.input.focus();
    }

    function close() {
      ui.panel.hidden = true;
      ui.launcher.hidden = false;
      ui.launcher.setAttribute("aria-expanded", "false");
      ui.launcher.focus();
    }

    if (inline) {
      loadBanner();
      queue = queue.then(loadHistory);
    } else {
      ui.launcher.addEventListener("click", open);
      ui.close.addEventListener("click", close);
      ui.panel.addEventListener("keydown", (event) => {
        if (event.key === "Escape") close();
      });
    }
  }

  function mount() {
    const inlineHost = document.querySelector("[data-digihjelpen]");
    const host = inlineHost || document.body.appendChild(el("div", { id: "digihjelpen-widget" }));
    start(host, Boolean(inlineHost));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mount);
  } else {
    mount();
  }
})();
