// Minimal chat page: posts to our own relay; the bot's text is always inserted as text, never HTML.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("form");
  const input = document.getElementById("message");

  function add(kind, text) {
    const div = document.createElement("div");
    div.className = "msg " + kind;
    div.textContent = text;
    log.appendChild(div);
    return div;
  }

  async function send(text) {
    add("user", text);
    try {
      const response = await fetch("/api/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ message: text }),
      });
      const data = await response.json();
      if (!response.ok) { add("error", data.error || "Noe gikk galt."); return; }
      for (const reply of data.replies) {
        if (reply.text) add("bot", reply.text);
        for (const button of reply.buttons || []) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = button.title;
          b.addEventListener("click", () => send(button.payload));
          log.appendChild(b);
        }
      }
    } catch (e) {
      add("error", "Digihjelpen svarer ikke akkurat nå. Prøv igjen om litt.");
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
})();
