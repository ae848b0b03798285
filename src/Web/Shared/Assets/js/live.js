// Live parts of the pages: stock figures, the cart badge and cart page, order pages, the notification bell and toasts.
// The pages are complete without this script; it only keeps them current. It connects to the market hub with a
// short-lived token that the page's cookie buys from /live/token (the hub, like the API, takes bearer tokens only).
(function () {
  "use strict";

  const body = document.body;
  const watchProduct = body.dataset.watchProduct || null;
  const wantsUser = body.dataset.user === "1";
  if (!window.signalR || (!watchProduct && !wantsUser && !body.dataset.live)) {
    return;
  }

  const csrf = document.querySelector('meta[name="csrf-token"]');
  let token = null;
  let tokenExpires = 0;

  async function accessToken() {
    if (token && Date.now() < tokenExpires - 60000) {
      return token;
    }
    const response = await fetch("/live/token", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-TOKEN": csrf ? csrf.content : "" },
    });
    if (!response.ok) {
      throw new Error("live token refused: " + response.status);
    }
    const answer = await response.json();
    token = answer.accessToken;
    tokenExpires = Date.parse(answer.expiresAt);
    return token;
  }

  function setState(state) {
    body.dataset.liveState = state;
  }

  function format(template, value) {
    return (template || "{0}").replace("{0}", String(value));
  }

  function onStock(message) {
    document.querySelectorAll("[data-stock]").forEach(function (element) {
      if (element.dataset.product !== message.productId || element.dataset.sku !== message.sku) {
        return;
      }
      const available = message.available;
      element.dataset.available = String(available);
      element.classList.remove("stock-out", "stock-low", "stock-ok");
      if (available <= 0) {
        element.textContent = element.dataset.outText || "0";
        element.classList.add("stock-out");
      } else {
        element.textContent = format(element.dataset.availableText, available);
        element.classList.add(available <= 5 ? "stock-low" : "stock-ok");
      }
      const choice = document.querySelector('input[name="Sku"][value="' + CSS.escape(message.sku) + '"]');
      if (choice) {
        choice.disabled = available <= 0;
      }
    });
  }

  function setBadge(selector, count) {
    document.querySelectorAll(selector).forEach(function (badge) {
      badge.textContent = String(count);
      badge.dataset.count = String(count);
    });
  }

  // Regions marked data-refresh-on="cart", "orders", "notifications", "stock" or "order:<id>" are re-read from the
  // server, so what they show is always what the server renders. A region someone is working in (it holds the focus, or
  // a field in it was changed) is left alone until the next change. Without a topic every region is re-read: after
  // (re)subscribing, to catch what changed while no events flowed.
  function busy(region) {
    if (region.contains(document.activeElement) && document.activeElement !== document.body) {
      return true;
    }
    return Array.from(region.querySelectorAll("input, textarea, select")).some(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        return field.checked !== field.defaultChecked;
      }
      if (field.tagName === "SELECT") {
        return Array.from(field.options).some(function (option) { return option.selected !== option.defaultSelected; });
      }
      return field.value !== field.defaultValue;
    });
  }

  async function refresh(topic) {
    const wanted = Array.from(document.querySelectorAll("[data-refresh-on]"))
      .filter(function (region) { return !topic || region.dataset.refreshOn.split(" ").indexOf(topic) >= 0; });
    if (wanted.filter(function (region) { return !busy(region); }).length === 0) {
      return;
    }
    const response = await fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "live" } });
    if (!response.ok || response.redirected) {
      return;
    }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    // Checked again now: the reader may have started typing while the page was being fetched.
    wanted.filter(function (region) { return region.isConnected && !busy(region); }).forEach(function (region) {
      const fresh = region.id ? page.getElementById(region.id) : null;
      if (fresh) {
        region.replaceWith(document.importNode(fresh, true));
      }
    });
  }

  function toast(notification) {
    const host = document.getElementById("toasts");
    if (!host) {
      return;
    }
    // The notification comes worded in every language of the site: show the page's own.
    const words = (notification.words || {})[document.documentElement.lang] || notification;
    const item = document.createElement("div");
    item.className = "toast";
    item.setAttribute("role", "status");
    const title = document.createElement(notification.link ? "a" : "strong");
    title.textContent = words.title;
    if (notification.link) {
      title.href = notification.link;
    }
    const text = document.createElement("div");
    text.textContent = words.body;
    item.appendChild(title);
    item.appendChild(text);
    host.appendChild(item);
    setTimeout(function () { item.remove(); }, 8000);
  }

  function onNotification(notification) {
    const badge = document.querySelector("[data-unread]");
    const unread = badge ? (parseInt(badge.dataset.count || badge.textContent, 10) || 0) + 1 : 1;
    setBadge("[data-unread]", unread);
    const bell = document.querySelector("[data-bell]");
    if (bell && bell.dataset.labelTemplate) {
      bell.setAttribute("aria-label", format(bell.dataset.labelTemplate, unread));
    }
    toast(notification);
    refresh("notifications");
  }

  const connection = new signalR.HubConnectionBuilder()
    .withUrl("/hubs/market", { accessTokenFactory: accessToken })
    .withAutomaticReconnect()
    .build();

  connection.on("StockChanged", onStock);
  connection.on("CartChanged", function (message) {
    setBadge("[data-cart-count]", message.cart.items);
    refresh("cart");
  });
  connection.on("OrderChanged", function (message) {
    refresh("order:" + message.orderId);
    refresh("orders");
  });
  connection.on("Notification", onNotification);

  async function subscribe() {
    if (watchProduct) {
      await connection.invoke("WatchProduct", watchProduct);
    }
    // The server answers once the connection's own events flow. What changed between rendering the page and now
    // came before the subscription: read the live regions once more, then the page is live.
    await connection.invoke("Subscriptions");
    await refresh(null);
    setState("connected");
  }

  connection.onreconnecting(function () { setState("reconnecting"); });
  connection.onreconnected(function () { subscribe().catch(function () { setState("failed"); }); });
  connection.onclose(function () {
    setState("closed");
    setTimeout(start, 5000);
  });

  async function start() {
    try {
      setState("connecting");
      await connection.start();
      await subscribe();
    } catch (error) {
      setState("failed");
      if (connection.state === signalR.HubConnectionState.Disconnected) {
        setTimeout(start, 5000);
      }
    }
  }

  start();
})();
