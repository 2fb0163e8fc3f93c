// Peacekeeper's service worker, served from the site root by outreach/field_views.py (version {{ version }}).
//
// What it keeps, deliberately, and nothing else:
// - the static files and the scripts' strings, /jsi18n/ (cache "pk-static-v{{ version }}"): no personal data;
// - nothing of a signed-in page by itself. Signed-in pages are sent with Cache-Control: no-store,
//   and only static/js/field.js, on a peacekeeper's field-mode page, stores that page and the
//   contact forms of their caseload (cache "pk-field-u<user id>"), replacing them at each sync and
//   deleting them at sign-out, on the sign-in page, and when another user's page loads.
// Everything goes to the network first; a kept copy answers only when the network does not.
"use strict";

var STATIC_CACHE = "pk-static-v{{ version }}";
var PAGE_CACHE_PREFIX = "pk-field-u";
var PRECACHE = {{ precache|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var FIELD_URL = {{ field_url|safe }};
// The JavaScript catalogue (/jsi18n/): field.js reads its words from it, offline too, so the copy
// of the last page loaded online is kept with the static files.
var CATALOG_URL = {{ catalog_url|safe }};
// The offline page's words, in the language of the user this worker was served to (field_views).
var OFFLINE = {{ offline|safe }};
// A kept page older than this is deleted, not shown: a phone left signed in and then lost, or
// passed on, stops showing the caseload after a shift even with no network (FIELD_MODE_KEPT_HOURS).
var KEPT_MS = {{ kept_ms }};
var KEPT_AT = "X-Peacekeeper-Kept-At";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches
      .open(STATIC_CACHE)
      .then(function (cache) {
        return cache.addAll(PRECACHE);
      })
      .then(function () {
        return self.skipWaiting();
      })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (name) {
              return name.indexOf("pk-static-") === 0 && name !== STATIC_CACHE;
            })
            .map(function (name) {
              return caches.delete(name);
            })
        );
      })
      .then(sweepStale)
      .then(function () {
        return self.clients.claim();
      })
      .then(function () {
        // A worker starting (installed or updated) is one of the moments to replay the outbox: the
        // pages do the sending (they hold the session and the CSRF token), so they are told.
        return self.clients.matchAll({ type: "window" });
      })
      .then(function (windows) {
        windows.forEach(function (client) {
          client.postMessage({ type: "peacekeeper-field-flush" });
        });
      })
  );
});

// Kept too long ago, or kept without its time (before this worker): not shown. (A phone clock set
// back since shows them longer by as much; an age below zero is not refused, since the page and the
// worker do not always read the same clock.)
function isStale(response) {
  var age = Date.now() - Date.parse(response.headers.get(KEPT_AT) || "");
  return !(age < KEPT_MS);
}

// Deletes each user's kept pages once they are stale, whether or not anyone opens them offline.
function sweepStale() {
  return caches.keys().then(function (names) {
    return Promise.all(
      names
        .filter(function (name) {
          return name.indexOf(PAGE_CACHE_PREFIX) === 0;
        })
        .map(function (name) {
          // caches.match, not caches.open: opening a cache another handler just deleted makes it again.
          return caches.match(FIELD_URL, { cacheName: name, ignoreSearch: true, ignoreVary: true }).then(function (page) {
            return page && isStale(page) ? caches.delete(name) : undefined;
          });
        })
    );
  });
}

function fromKeptPages(request) {
  return caches.keys().then(function (names) {
    var pages = names.filter(function (name) {
      return name.indexOf(PAGE_CACHE_PREFIX) === 0;
    });
    return pages.reduce(function (found, name) {
      return found.then(function (hit) {
        return (
          hit ||
          caches.match(request, { cacheName: name, ignoreSearch: true, ignoreVary: true }).then(function (kept) {
            if (kept && isStale(kept)) {
              // Too old, or kept without its time: this user's whole sync goes, not one page.
              return caches.delete(name).then(function () {
                return undefined;
              });
            }
            return kept;
          })
        );
      });
    }, Promise.resolve(undefined));
  });
}

function offlinePage() {
  var html =
    '<!doctype html><html lang="' + OFFLINE.lang + '"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>' + OFFLINE.title +
    " · Peacekeeper</title></head><body><main><h1>" + OFFLINE.heading + "</h1><p>" + OFFLINE.text +
    "</p></main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  // The static files, and the scripts' strings in the user's language (no personal data in either).
  if (url.pathname.indexOf(STATIC_PREFIX) === 0 || url.pathname === CATALOG_URL) {
    event.respondWith(
      fetch(request)
        .then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(STATIC_CACHE).then(function (cache) {
              return cache.put(request, copy);
            });
          }
          return response;
        })
        .catch(function () {
          return caches.match(request, { cacheName: STATIC_CACHE }).then(function (hit) {
            return hit || Response.error();
          });
        })
    );
    return;
  }
  if (request.mode === "navigate") {
    event.waitUntil(sweepStale());
    event.respondWith(
      fetch(request).catch(function () {
        return fromKeptPages(request).then(function (hit) {
          return hit || offlinePage();
        });
      })
    );
  }
});
