/*
 * Marketplace product widget for other sites.
 *
 *   <script src="https://market.example/embed/marketplace.js" async></script>
 *   <div data-marketplace-search="zapatos" data-limit="6"></div>
 *   <div data-marketplace-seller="sel_..." data-category="coffee" data-lang="es-CL"></div>
 *
 * Each element gets product cards from the marketplace's public search API, drawn in a shadow root so the page's
 * styles and the widget's never mix. The element's data-marketplace-state says loading, ready, empty or error.
 */
(() => {
  'use strict';

  const SCRIPT_PATH = '/embed/marketplace.js';
  const SELECTOR = '[data-marketplace-search], [data-marketplace-seller]';
  const DEFAULT_LIMIT = 6;
  const MAX_LIMIT = 24;
  const TIMEOUT_MS = 15000;

  // A page that includes the script twice (or from two templates) still gets one observer and one card set.
  const registry = Symbol.for('marketplace.embed');
  if (window[registry]) {
    return;
  }

  const script = document.currentScript ?? findOwnScript();
  if (!script) {
    return;
  }

  // The API and product pages live next to the script, so a marketplace behind a path prefix works too.
  const scriptUrl = new URL(script.src, document.baseURI);
  const prefix = scriptUrl.pathname.endsWith(SCRIPT_PATH) ? scriptUrl.pathname.slice(0, -SCRIPT_PATH.length) : '';
  const base = scriptUrl.origin + prefix;
  const rendered = new WeakSet();
  window[registry] = { base, rendered };

  const TEXTS = {
    en: {
      label: 'Products',
      loading: 'Loading products…',
      empty: 'No products found.',
      error: 'Products could not be loaded right now. Please try again later.',
      outOfStock: 'Out of stock',
    },
    es: {
      label: 'Productos',
      loading: 'Cargando productos…',
      empty: 'No encontramos productos.',
      error: 'No pudimos cargar los productos. Inténtalo más tarde.',
      outOfStock: 'Agotado',
    },
  };

  // Everything is reset at .mk so nothing depends on what the host element inherits. .mk is an inline block because
  // a page's underline is not inherited but drawn through every block descendant, and inline blocks stop it; the
  // host's line then must not add height or indent. Sizes are in px: rem would follow the page's root font size.
  const CSS = `
    :host { display: block; line-height: 0; text-indent: 0; text-align: start; }
    .mk { all: initial; display: inline-block; width: 100%; vertical-align: top; box-sizing: border-box;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
          font-size: 14px; line-height: 1.4; color: #1b1b1f; text-align: start; container-type: inline-size; }
    .mk *, .mk *::before, .mk *::after { box-sizing: border-box; }
    .mk-status { margin: 0; padding: 12px 0; color: #5f6368; font-size: 14px; }
    .mk-status:empty { display: none; }
    .mk-grid { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px;
               grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); }
    .mk-card { margin: 0; padding: 0; min-width: 0; }
    .mk-link { display: flex; flex-direction: column; height: 100%; overflow: hidden; border: 1px solid #dadce0;
               border-radius: 8px; background: #ffffff; color: inherit; text-decoration: none; }
    .mk-link:hover { border-color: #9aa0a6; box-shadow: 0 1px 4px rgba(60, 64, 67, 0.2); }
    .mk-link:focus-visible { outline: 2px solid #0b57d0; outline-offset: 2px; }
    .mk-media { display: block; aspect-ratio: 1 / 1; background: #f1f3f4; }
    .mk-media img { display: block; width: 100%; height: 100%; object-fit: cover; }
    .mk-placeholder { display: flex; width: 100%; height: 100%; align-items: center; justify-content: center;
                      color: #bdc1c6; }
    .mk-placeholder svg { width: 40%; height: 40%; }
    .mk-body { display: flex; flex-direction: column; gap: 4px; padding: 10px 12px 12px; }
    .mk-title { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden;
                font-size: 14px; font-weight: 500; color: #1b1b1f; }
    .mk-price { font-size: 16px; font-weight: 700; color: #1b1b1f; font-variant-numeric: tabular-nums; }
    .mk-store { font-size: 12px; color: #5f6368; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
    .mk-stock { font-size: 12px; color: #b3261e; }
    /* The widget's own width counts, not the window's: a sidebar on a wide page is narrow too. */
    @container (max-width: 360px) { .mk-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; } }
  `;

  const formatters = new Map();

  function findOwnScript() {
    for (const candidate of document.querySelectorAll('script[src]')) {
      try {
        if (new URL(candidate.src, document.baseURI).pathname.endsWith(SCRIPT_PATH)) {
          return candidate;
        }
      } catch {
        // A src that is not a URL is someone else's script.
      }
    }
    return null;
  }

  function localeOf(element) {
    const requested = element.dataset.lang || navigator.language || 'en';
    try {
      return Intl.getCanonicalLocales(requested)[0] ?? 'en';
    } catch {
      return 'en';
    }
  }

  function textsOf(locale) {
    return TEXTS[locale.split('-')[0].toLowerCase()] ?? TEXTS.en;
  }

  function limitOf(element) {
    const limit = Number.parseInt(element.dataset.limit ?? '', 10);
    return Number.isNaN(limit) ? DEFAULT_LIMIT : Math.min(MAX_LIMIT, Math.max(1, limit));
  }

  /** Prices arrive as integer minor units; the currency's own number of decimals turns them into an amount. */
  function formatPrice(minorUnits, currency, locale) {
    const key = `${locale}|${currency}`;
    let format = formatters.get(key);
    if (!format) {
      try {
        format = new Intl.NumberFormat(locale, { style: 'currency', currency });
      } catch {
        format = null;
      }
      formatters.set(key, format);
    }
    if (!format) {
      return `${minorUnits} ${currency}`;
    }
    const digits = format.resolvedOptions().maximumFractionDigits;
    return format.format(minorUnits / 10 ** digits);
  }

  function searchUrl(element) {
    const params = new URLSearchParams();
    const seller = element.dataset.marketplaceSeller;
    const query = element.dataset.marketplaceSearch;
    if (seller) {
      params.set('sellerId', seller.trim());
    }
    if (query && query.trim()) {
      params.set('q', query.trim());
    }
    if (element.dataset.category) {
      params.set('category', element.dataset.category.trim());
    }
    params.set('pageSize', String(limitOf(element)));
    return `${base}/api/search?${params}`;
  }

  function make(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  function placeholder() {
    const box = make('span', 'mk-placeholder');
    box.setAttribute('aria-hidden', 'true');
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('fill', 'currentColor');
    const path = document.createElementNS(ns, 'path');
    path.setAttribute('d', 'M4 5h16a1 1 0 0 1 1 1v12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1zm1 2v9.6l4-4 3 3 ' +
      '2.5-2.5L19 17.6V7H5zm10 1.5a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3z');
    svg.append(path);
    box.append(svg);
    return box;
  }

  function card(item, locale, texts) {
    const link = make('a', 'mk-link');
    link.href = `${base}/products/${encodeURIComponent(item.productId)}`;
    link.target = '_blank';
    link.rel = 'noopener';

    const media = make('span', 'mk-media');
    if (item.imageUrl) {
      const image = make('img');
      // The title next to it names the product; the picture would only repeat it to a screen reader.
      image.alt = '';
      image.loading = 'lazy';
      image.decoding = 'async';
      image.addEventListener('error', () => image.replaceWith(placeholder()), { once: true });
      image.src = new URL(item.imageUrl, `${base}/`).href;
      media.append(image);
    } else {
      media.append(placeholder());
    }

    const body = make('span', 'mk-body');
    body.append(
      make('span', 'mk-title', item.title),
      make('span', 'mk-price', formatPrice(item.price, item.currency, locale)),
      make('span', 'mk-store', item.sellerName));
    if (item.inStock === false) {
      body.append(make('span', 'mk-stock', texts.outOfStock));
    }

    link.append(media, body);
    const entry = make('li', 'mk-card');
    entry.append(link);
    return entry;
  }

  async function render(element) {
    if (rendered.has(element) || element.shadowRoot) {
      return;
    }
    rendered.add(element);

    const locale = localeOf(element);
    const texts = textsOf(locale);
    let shadow;
    try {
      shadow = element.attachShadow({ mode: 'open' });
    } catch (error) {
      // Only some elements can hold a shadow root (div, section, span, ...); a ul or an a cannot.
      console.warn('Marketplace widget: use a div for', element, error);
      return;
    }
    const style = make('style');
    style.textContent = CSS;
    const root = make('div', 'mk');
    root.lang = locale;
    const status = make('p', 'mk-status', texts.loading);
    status.setAttribute('role', 'status');
    const grid = make('ul', 'mk-grid');
    grid.setAttribute('role', 'list');
    grid.setAttribute('aria-label', texts.label);
    root.setAttribute('aria-busy', 'true');
    root.append(status, grid);
    shadow.append(style, root);
    element.dataset.marketplaceState = 'loading';

    const finish = (state, message) => {
      status.textContent = message;
      root.setAttribute('aria-busy', 'false');
      element.dataset.marketplaceState = state;
    };

    let items;
    try {
      const response = await fetch(searchUrl(element), {
        mode: 'cors',
        credentials: 'omit',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!response.ok) {
        throw new Error(`search answered ${response.status}`);
      }
      items = (await response.json()).items;
      if (!Array.isArray(items)) {
        throw new Error('search answered without items');
      }
    } catch (error) {
      finish('error', texts.error);
      console.warn('Marketplace widget:', error);
      return;
    }

    const shown = items.slice(0, limitOf(element));
    if (shown.length === 0) {
      finish('empty', texts.empty);
      return;
    }
    grid.append(...shown.map(item => card(item, locale, texts)));
    finish('ready', '');
  }

  function scan(node) {
    if (node.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    if (node.matches(SELECTOR)) {
      render(node);
    }
    for (const element of node.querySelectorAll(SELECTOR)) {
      render(element);
    }
  }

  // An async script may run before the rest of the page is parsed, and pages add widgets later: both arrive here.
  new MutationObserver(records => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        scan(node);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  scan(document.documentElement);
})();
