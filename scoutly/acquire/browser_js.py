"""JavaScript run inside rendered pages by the BrowserPool (kept apart so browser.py stays readable).

Each constant is a Playwright `evaluate` expression: an arrow function taking one JSON argument.
"""

from __future__ import annotations

# Words that label a "next page" control, and a "load more" control, in common career-site languages.
NEXT_WORDS = (
    r"^(next|next page|next results|more results|nächste|nächste seite|weiter|vorwärts|suivant|page suivante|"
    r"siguiente|página siguiente|volgende|volgende pagina|avanti|successiva|successivo|pagina successiva|próxima|"
    r"próximo|następna|nästa|neste|næste|seuraava|далее|›|»|→|>|>>|next ›|next »|next →|weiter ›|weiter »)$"
)
MORE_WORDS = (
    r"^((load|show|view|see|display) (more|all)( jobs| positions| results| openings| roles| vacancies| "
    r"opportunities| offers)?|more (jobs|positions|results|openings|roles|vacancies)|(mehr|weitere) (laden|anzeigen|"
    r"jobs|stellen|stellenangebote|ergebnisse)( anzeigen| laden)?|mehr jobs (laden|anzeigen)|(voir|afficher|charger) "
    r"plus( d'offres| de résultats| d'emplois)?|plus de résultats|(cargar|ver|mostrar) más( ofertas| resultados| "
    r"empleos)?|meer (laden|tonen|resultaten|vacatures)( laden| tonen)?|(carica|mostra) (altri|di più)|"
    r"(carregar|ver|mostrar) mais)$"
)

# Finds the next-page or load-more control. Returns null, {"href": url} for a real link to follow (next pages
# only), or {"click": true} after marking the element with data-scoutly-target=<mark> for a locator click.
FIND_CONTROL = """
({kind, selector, mark, nextWords, moreWords}) => {
  const norm = (s) => (s || '').replace(/\\s+/g, ' ').trim().toLowerCase();
  const classText = (el) => typeof el.className === 'string' ? el.className : (el.getAttribute('class') || '');
  const usable = (el) => {
    if (!el || !el.isConnected) return false;
    if (el.disabled || el.getAttribute('aria-disabled') === 'true' || el.hasAttribute('hidden')) return false;
    if (/(^|[\\s_-])(disabled|is-disabled|inactive)($|[\\s_-])/i.test(classText(el))) return false;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || style.pointerEvents === 'none') return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const here = location.href.split('#')[0];
  // a link that really goes to another document (not "#", not javascript:), or null
  const navigable = (el) => {
    const link = el.closest('a[href]');
    if (!link) return null;
    const target = link.href.split('#')[0];
    const raw = (link.getAttribute('href') || '').trim().toLowerCase();
    const real = /^https?:/.test(target) && target !== here && !raw.startsWith('#') && !raw.startsWith('javascript:');
    return real ? link.href : null;
  };
  // a next page stays on this site (same host, or a sibling host of the same domain: jobs.x.com → careers.x.com)
  const site = (host) => host.split('.').slice(-2).join('.');
  const sameSite = (url) => { try { return site(new URL(url).hostname) === site(location.hostname); }
                              catch (e) { return false; } };
  const all = Array.from(document.querySelectorAll(
    'a, button, [role="button"], [role="link"], input[type="button"], input[type="submit"]'));
  const labelled = (pattern) => {
    const words = new RegExp(pattern, 'i');
    return all.filter((el) => [el.getAttribute('aria-label'), el.getAttribute('title'), el.innerText, el.value]
      .map(norm).some((label) => label && label.length <= 40 && words.test(label)));
  };
  let candidates;
  if (selector) {
    candidates = Array.from(document.querySelectorAll(selector));
  } else if (kind === 'next') {
    // rel=next, "Next"-like labels, and "Show more jobs" when it is a real link to a further page
    candidates = [...document.querySelectorAll('a[rel~="next" i]'), ...labelled(nextWords),
                  ...labelled(moreWords).filter((el) => navigable(el))];
  } else {
    candidates = labelled(moreWords).filter((el) => !navigable(el));  // real links are next pages, not "more"
  }
  for (const el of candidates) {
    if (!usable(el)) continue;
    if (kind === 'next') {
      const href = navigable(el);
      if (href) {
        if (!sameSite(href)) continue;  // "next" into another site is not this listing's next page
        return {href: href};
      }
    }
    el.setAttribute('data-scoutly-target', mark);
    return {click: true};
  }
  if (kind === 'next' && !selector) {
    const head = document.querySelector('link[rel~="next" i][href]');
    if (head && /^https?:/.test(head.href) && head.href.split('#')[0] !== here && sameSite(head.href)) {
      return {href: head.href};
    }
  }
  return null;
}
"""

# A cheap fingerprint of the listing: how many job-ish elements, their content, the page height, and whether
# anything can scroll (the page, or a box of its own such as a fixed-height panel holding the list).
SNAPSHOT = """
(selector) => {
  const items = document.querySelectorAll(selector || 'a[href]');
  let hash = 0;
  const limit = Math.min(items.length, 2000);
  for (let i = 0; i < limit; i++) {
    const el = items[i];
    const text = (el.href || '') + '|' + (el.textContent || '').slice(0, 200);
    for (let j = 0; j < text.length; j++) hash = (hash * 31 + text.charCodeAt(j)) | 0;
  }
  const root = document.scrollingElement || document.documentElement;
  const boxes = Array.from(document.querySelectorAll('div, ul, ol, section, main')).filter(
    (el) => el.scrollHeight > el.clientHeight + 50 && /(auto|scroll)/.test(getComputedStyle(el).overflowY));
  return {count: items.length, hash: hash, height: root ? root.scrollHeight : 0,
          scrollable: (root ? root.scrollHeight > window.innerHeight + 2 : false) || boxes.length > 0};
}
"""

# Truthy once the listing grew (more items or a taller page) compared with `before`.
GREW = """
([selector, before]) => {
  const items = document.querySelectorAll(selector || 'a[href]');
  const root = document.scrollingElement || document.documentElement;
  return items.length > before.count || (root && root.scrollHeight > before.height);
}
"""

# Truthy once the listing changed (JS pagination replaced the items) compared with `before`.
CHANGED = """
([selector, before]) => {
  const items = document.querySelectorAll(selector || 'a[href]');
  if (items.length !== before.count) return true;
  let hash = 0;
  const limit = Math.min(items.length, 2000);
  for (let i = 0; i < limit; i++) {
    const el = items[i];
    const text = (el.href || '') + '|' + (el.textContent || '').slice(0, 200);
    for (let j = 0; j < text.length; j++) hash = (hash * 31 + text.charCodeAt(j)) | 0;
  }
  return hash !== before.hash;
}
"""

SCROLL_TO_BOTTOM = """
() => {
  const root = document.scrollingElement || document.documentElement;
  window.scrollTo(0, root.scrollHeight);
  // lists inside their own scrolling box (overflow: auto) lazy-load too
  for (const el of document.querySelectorAll('div, ul, ol, section, main')) {
    if (el.scrollHeight > el.clientHeight + 50 && /(auto|scroll)/.test(getComputedStyle(el).overflowY)) {
      el.scrollTop = el.scrollHeight;
    }
  }
}
"""

# iframe/frame src URLs as written in the document, made absolute.
FRAME_SOURCES = """
() => Array.from(document.querySelectorAll('iframe[src], frame[src]')).map((f) => f.src)
"""

# A frame's document with its links made absolute (so they resolve outside the frame), as HTML.
FRAME_HTML = """
() => {
  for (const a of document.querySelectorAll('a[href]')) a.setAttribute('href', a.href);
  return document.documentElement ? document.documentElement.innerHTML : '';
}
"""

# Open shadow roots (web-component job widgets), which page.content() leaves out: their HTML with absolute links.
SHADOW_HTML = """
() => {
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (!el.shadowRoot) continue;
      for (const a of el.shadowRoot.querySelectorAll('a[href]')) a.setAttribute('href', a.href);
      found.push({host: el.tagName.toLowerCase(), html: el.shadowRoot.innerHTML});
      visit(el.shadowRoot);
      if (found.length >= 200) return;
    }
  };
  visit(document);
  return found;
}
"""

# Names of the given selectors that are not valid CSS in this browser.
INVALID_SELECTORS = """
(selectors) => Object.entries(selectors).filter(([name, css]) => {
  try { document.querySelector(css); return false; } catch (e) { return true; }
}).map(([name]) => name)
"""

# Resolves once the page has rendered two more frames (so scroll handlers and IntersectionObserver callbacks have
# run, however loaded the machine is), or after 2 s if frames are not being produced.
NEXT_FRAMES = """
() => new Promise((resolve) => {
  let done = false;
  const finish = () => { if (!done) { done = true; resolve(true); } };
  requestAnimationFrame(() => requestAnimationFrame(finish));
  setTimeout(finish, 2000);
})
"""

# Scroll up a screen, let the page render, and back to the bottom: an infinite-scroll sentinel that never left the
# viewport fires no new IntersectionObserver callback, so it must leave and come back.
JIGGLE = """
async () => {
  const frames = () => new Promise((resolve) => {
    let done = false;
    const finish = () => { if (!done) { done = true; resolve(); } };
    requestAnimationFrame(() => requestAnimationFrame(finish));
    setTimeout(finish, 1000);
  });
  const boxes = Array.from(document.querySelectorAll('div, ul, ol, section, main')).filter(
    (el) => el.scrollHeight > el.clientHeight + 50 && /(auto|scroll)/.test(getComputedStyle(el).overflowY));
  window.scrollBy(0, -window.innerHeight);
  for (const el of boxes) el.scrollTop = Math.max(0, el.scrollTop - el.clientHeight);
  await frames();
  const root = document.scrollingElement || document.documentElement;
  window.scrollTo(0, root.scrollHeight);
  for (const el of boxes) el.scrollTop = el.scrollHeight;
}
"""
