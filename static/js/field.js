// Field mode: log contacts with no signal; they are sent exactly once when the phone is back online.
// The server's side is outreach/field.py; the service worker is templates/outreach/sw.js.
//
// - Kept pages: on the field-mode page, online, this page and each client's contact form are
//   fetched and stored in Cache Storage ("pk-field-u<user id>"), replacing the last sync. Any
//   page without a field-mode user (the sign-in page, another role), another user's page, and
//   signing out delete them, so one user's caseload never shows to another on a shared phone.
// - Outbox: a contact form saved while offline is sealed (AES-GCM with a key of its own, that key
//   wrapped with the server's RSA-OAEP public key) and only then stored in IndexedDB, with its
//   writer's id; nothing of it is kept unencrypted. It is sent on page load, when the browser is
//   back online, and with "Send now", one record at a time; removed only when the server names the
//   row it saved; a refusal is kept with the server's message until corrected or discarded.
(function () {
  "use strict";
  // Words from the catalogue at /jsi18n/ (base.html loads it first; the service worker keeps it for
  // offline use). Should it be missing (a page kept before it was), English rather than a broken page.
  var gettext = window.gettext || function (text) {
    return text;
  };
  var ngettext = window.ngettext || function (one, many, count) {
    return count === 1 ? one : many;
  };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (match, name) {
      return String(values[name]);
    });
  };
  var body = document.body;
  var user = body.dataset.fieldUser || "";
  var PAGE_CACHE_PREFIX = "pk-field-u";
  var SYNCED = "peacekeeper-field-synced:";
  var DRAFTS = "peacekeeper-draft:";
  var CORRECTED = "peacekeeper-field-corrected:";
  var DB_NAME = "peacekeeper-field";
  var STORE = "outbox";
  var MAX_BACKOFF = 5 * 60 * 1000;

  function forgetPages(keep) {
    if (!window.caches) {
      return Promise.resolve();
    }
    return caches.keys().then(function (names) {
      return Promise.all(
        names
          .filter(function (name) {
            return name.indexOf(PAGE_CACHE_PREFIX) === 0 && name !== keep;
          })
          .map(function (name) {
            return caches.delete(name);
          })
      );
    });
  }

  function forgetSyncTimes() {
    Object.keys(localStorage).forEach(function (key) {
      if (key.indexOf(SYNCED) === 0 && key !== SYNCED + user) {
        localStorage.removeItem(key);
      }
    });
  }

  var myPages = user ? PAGE_CACHE_PREFIX + user : null;
  var forgotten = forgetPages(myPages).catch(function () {});
  forgetSyncTimes();

  // Signing out: contacts still waiting are sent first; any the server could not take are kept for
  // this user (asked first), and the kept pages are deleted before the sign-out goes.
  var beforeSignOut = function () {
    return Promise.resolve(true);
  };
  var SIGN_OUT_PENDING = "peacekeeper-field-sign-out:";
  document.querySelectorAll("form.sign-out").forEach(function (signOut) {
    signOut.addEventListener("submit", function (event) {
      event.preventDefault();
      if (user && !navigator.onLine) {
        // Signing out needs the server. Offline, the kept caseload goes now, and the sign-out
        // itself as soon as a page of this browser is back online (below).
        localStorage.setItem(SIGN_OUT_PENDING + user, "1");
        localStorage.removeItem(SYNCED + user);
        forgetPages(null).then(function () {
          window.alert(
            gettext(
              "You are offline. The caseload kept on this phone is deleted now, and you will be signed out " +
                "as soon as the phone is back online. Contacts not sent yet stay on the phone, encrypted."
            )
          );
        });
        return;
      }
      var go = function () {
        localStorage.removeItem(SIGN_OUT_PENDING + user);
        localStorage.removeItem(SYNCED + user);
        var late = new Promise(function (resolve) {
          setTimeout(resolve, 1500);
        });
        var submit = function () {
          signOut.submit();
        };
        Promise.race([forgetPages(null), late]).then(submit, submit);
      };
      beforeSignOut().then(function (ok) {
        if (ok) {
          go();
        }
      }, go);
    });
  });

  // A sign-out asked for offline: done now that a page of this user loads online.
  var pendingSignOut = function () {
    var form = document.querySelector("form.sign-out");
    if (user && navigator.onLine && form && localStorage.getItem(SIGN_OUT_PENDING + user)) {
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      return true;
    }
    return false;
  };
  if (pendingSignOut()) {
    return;
  }
  window.addEventListener("online", pendingSignOut);

  // The sign-in page says when contacts wait on this phone (whose, it does not say): they go when
  // their writer signs in. Its count is of sealed records only; nothing of them is readable here.
  var waitingNote = document.getElementById("field-waiting-note");
  if (!user && waitingNote && window.indexedDB) {
    var opening = indexedDB.open(DB_NAME, 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore(STORE, { keyPath: "id" });
    };
    opening.onsuccess = function () {
      var db = opening.result;
      var counting = db.transaction(STORE).objectStore(STORE).count();
      counting.onsuccess = function () {
        db.close();
        waitingNote.hidden = counting.result === 0;
      };
    };
  }

  if (!user || !window.indexedDB || !window.crypto || !crypto.subtle) {
    return;
  }

  // --- The outbox, in IndexedDB ---------------------------------------------------------------
  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id" });
      };
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result;
        transaction.oncomplete = function () {
          db.close();
          resolve(result);
        };
        transaction.onerror = transaction.onabort = function () {
          db.close();
          reject(transaction.error);
        };
        var request = work(transaction.objectStore(STORE));
        request.onsuccess = function () {
          result = request.result;
        };
      });
    });
  }

  function myRecords() {
    return withStore("readonly", function (store) {
      return store.getAll();
    }).then(function (records) {
      return (records || [])
        .filter(function (record) {
          return record.owner === user; // another user's records stay theirs: never shown or sent
        })
        .sort(function (a, b) {
          return a.written_at < b.written_at ? -1 : 1;
        });
    });
  }

  function getRecord(id) {
    return withStore("readonly", function (store) {
      return store.get(id);
    });
  }

  function putRecord(record) {
    return withStore("readwrite", function (store) {
      return store.put(record);
    });
  }

  function deleteRecord(id) {
    return withStore("readwrite", function (store) {
      return store.delete(id);
    });
  }

  // --- Sealing ----------------------------------------------------------------------------------
  function fromBase64(text) {
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  function toBase64(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary);
  }

  async function seal(record) {
    var subtle = crypto.subtle;
    var rsa = { name: "RSA-OAEP", hash: "SHA-256" };
    var publicKey = await subtle.importKey("spki", fromBase64(body.dataset.fieldKey), rsa, false, ["wrapKey"]);
    // Extractable only so that wrapKey can wrap it; it is never stored or exported in the clear.
    var contentKey = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"]);
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plaintext = new TextEncoder().encode(JSON.stringify(record));
    var ciphertext = await subtle.encrypt({ name: "AES-GCM", iv: iv }, contentKey, plaintext);
    var wrapped = await subtle.wrapKey("raw", contentKey, publicKey, { name: "RSA-OAEP" });
    return {
      key_id: body.dataset.fieldKeyId,
      wrapped_key: toBase64(wrapped),
      iv: toBase64(iv),
      ciphertext: toBase64(ciphertext),
    };
  }

  // --- The indicator and the outbox list ---------------------------------------------------------
  var indicator = document.getElementById("field-status");
  var list = document.getElementById("field-outbox-list");
  var empty = document.getElementById("field-outbox-empty");
  var signedOutNote = document.getElementById("field-signed-out");
  var sendNow = document.getElementById("field-send-now");
  var signedOut = false;

  function clientLabel(clientId) {
    var row = document.querySelector('[data-client-id="' + clientId + '"]');
    return row ? row.dataset.clientName + " (" + row.dataset.clientCode + ")" : gettext("a client not on your caseload now");
  }

  function contactFormUrl(clientId) {
    var link = document.querySelector('[data-client-id="' + clientId + '"] a[data-field-offline]');
    return link ? link.getAttribute("href") : "/clients/" + clientId + "/contacts/new/";
  }

  // The server's refusals of the record itself; any other status (a proxy's 429, a 408) is tried again.
  var FINAL_REFUSALS = [400, 403, 404, 413, 422];
  var STATUS_WORDS = { waiting: gettext("waiting to be sent"), sending: gettext("sending…"), failed: gettext("not saved") };

  function listItem(record) {
    var item = document.createElement("li");
    item.className = "list-group-item";
    item.dataset.outboxRecord = record.id;
    var written = new Date(record.written_at);
    var line = document.createElement("span");
    line.textContent = interpolate(
      gettext("Contact with %(client)s, written %(when)s: %(status)s"),
      { client: clientLabel(record.client), when: written.toLocaleString(), status: STATUS_WORDS[record.status] || record.status },
      true
    );
    item.appendChild(line);
    if (record.status === "failed") {
      item.classList.add("list-group-item-danger");
      var reason = document.createElement("p");
      reason.className = "mb-2 field-error";
      reason.textContent = record.error;
      item.appendChild(reason);
      var fix = document.createElement("button");
      fix.type = "button";
      fix.className = "btn btn-primary btn-sm me-2";
      fix.textContent = record.refused === 404 ? gettext("Show what I wrote") : gettext("Correct on the form");
      fix.addEventListener("click", function () {
        correct(record);
      });
      var discard = document.createElement("button");
      discard.type = "button";
      discard.className = "btn btn-outline-danger btn-sm";
      discard.textContent = gettext("Discard");
      discard.addEventListener("click", function () {
        if (window.confirm(gettext("Discard this contact? It was never saved on the server."))) {
          deleteRecord(record.id).then(render);
        }
      });
      item.appendChild(fix);
      item.appendChild(discard);
    }
    return item;
  }

  async function render() {
    var records = await myRecords();
    var online = navigator.onLine;
    if (indicator) {
      // "Field mode:" for screen readers only: the short form fits beside the brand on a 320 px phone.
      var label = document.createElement("span");
      label.className = "visually-hidden";
      label.textContent = gettext("Field mode: ");
      indicator.replaceChildren(
        label,
        interpolate(
          ngettext("%(state)s · %(count)s not sent", "%(state)s · %(count)s not sent", records.length),
          { state: online ? gettext("online") : gettext("offline"), count: records.length },
          true
        )
      );
      indicator.parentNode.classList.toggle("is-offline", !online);
      indicator.parentNode.classList.toggle("has-waiting", records.length > 0);
    }
    if (list) {
      list.replaceChildren.apply(list, records.map(listItem));
      empty.hidden = records.length > 0;
      sendNow.hidden = records.length === 0;
      var waiting = records.filter(function (record) {
        return record.status !== "failed";
      }).length;
      signedOutNote.hidden = !(signedOut && waiting);
      var signIn = document.createElement("a");
      signIn.href = "/accounts/login/?next=" + encodeURIComponent(body.dataset.fieldPage);
      signIn.className = "alert-link";
      signIn.textContent = gettext("Sign in");
      signedOutNote.replaceChildren(
        signIn,
        interpolate(ngettext(" to send %(count)s saved contact.", " to send %(count)s saved contacts.", waiting), { count: waiting }, true)
      );
      var savedNote = document.getElementById("field-saved");
      if (savedNote) {
        savedNote.hidden = !(new URLSearchParams(window.location.search).get("saved") && records.length);
      }
    }
    return records;
  }

  // --- Sending ----------------------------------------------------------------------------------
  var backoff = 0;
  var retryTimer = null;
  var sent = 0; // by this page, said on the field page

  function showSent() {
    var note = document.getElementById("field-sent");
    if (note) {
      note.textContent = interpolate(
        ngettext("%(count)s contact sent and saved on the server.", "%(count)s contacts sent and saved on the server.", sent),
        { count: sent },
        true
      );
      note.hidden = false;
      var saved = document.getElementById("field-saved");
      if (saved) {
        saved.hidden = true;
      }
    }
  }
  var flushing = false;

  function retryLater() {
    clearTimeout(retryTimer);
    backoff = Math.min(backoff ? backoff * 2 : 2000, MAX_BACKOFF);
    retryTimer = setTimeout(flush, backoff);
  }

  // Who is signed in now, and a fresh CSRF token (the page's may be from a kept copy); null when
  // the session has ended (the answer is then a redirect to the sign-in page).
  async function session() {
    var response = await fetch(body.dataset.fieldSync, {
      credentials: "same-origin",
      redirect: "manual",
      headers: { Accept: "application/json" },
    });
    if (!response.ok) {
      return null;
    }
    var answer = await response.json();
    return String(answer.user) === user ? answer : null;
  }

  async function post(record, token) {
    var response = await fetch(body.dataset.fieldSync, {
      method: "POST",
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify(record.envelope),
    });
    var answer = null;
    if ((response.headers.get("Content-Type") || "").indexOf("application/json") === 0) {
      answer = await response.json().catch(function () {
        return null;
      });
    }
    return { status: response.status, answer: answer };
  }

  // "sent", "failed" (the server refused it: kept, with its message) or "retry" (no answer, a
  // redirect to sign in, a refused CSRF token, a server error: nothing is known to be saved).
  async function send(record, token) {
    var result;
    try {
      result = await post(record, token);
    } catch (error) {
      return "retry";
    }
    var answer = result.answer;
    if ((result.status === 200 || result.status === 201) && answer && answer.contact) {
      await deleteRecord(record.id);
      return "sent";
    }
    if (answer && answer.error && FINAL_REFUSALS.indexOf(result.status) !== -1) {
      record.status = "failed";
      record.error = answer.error;
      record.refused = result.status; // 404: the client is not on the caseload, there is no form for it
      await putRecord(record);
      return "failed";
    }
    return "retry";
  }

  async function sendAll() {
    var records = (await myRecords()).filter(function (record) {
      return record.status !== "failed";
    });
    if (!records.length) {
      return;
    }
    var who;
    try {
      who = await session();
    } catch (error) {
      retryLater();
      return;
    }
    signedOut = !who;
    if (!who) {
      return; // kept until this user signs in again
    }
    for (var i = 0; i < records.length; i++) {
      var record = await getRecord(records[i].id);
      if (!record || record.status === "failed") {
        continue; // sent or refused meanwhile, from another tab
      }
      record.status = "sending";
      await putRecord(record);
      await render();
      var outcome = await send(record, who.csrf);
      if (outcome === "retry") {
        record.status = "waiting";
        await putRecord(record);
        await render();
        retryLater();
        return;
      }
      if (outcome === "sent") {
        sent += 1;
        showSent();
      }
      await render();
    }
    backoff = 0;
  }

  async function flush() {
    if (flushing || !navigator.onLine) {
      return render();
    }
    flushing = true;
    try {
      // One sender at a time across this user's tabs (the server's one-time key makes a second
      // send harmless anyway: it answers with the first row).
      if (navigator.locks) {
        await navigator.locks.request("peacekeeper-field-outbox", sendAll);
      } else {
        await sendAll();
      }
    } finally {
      flushing = false;
    }
    return render();
  }

  // A refused record, to correct. It stays sealed in the outbox until the server has the
  // corrected contact: the contact form opens with ?correct=<id>, asks the server for the writer's
  // own entries (held in the page only, never stored unencrypted) and posts under the record's own
  // one-time key, so the record's next send finds that row (200) and only then leaves the phone.
  async function correct(record) {
    var who = navigator.onLine ? await session().catch(function () {
      return null;
    }) : null;
    if (!who) {
      window.alert(gettext("Connect to the internet and sign in first to correct this contact. It stays on this phone until then."));
      return;
    }
    var result = await post(record, who.csrf);
    if ((result.status === 200 || result.status === 201) && result.answer && result.answer.contact) {
      await deleteRecord(record.id);
      render();
      return;
    }
    if (!result.answer || !result.answer.fields) {
      window.alert(result.answer && result.answer.error ? result.answer.error : gettext("The server did not answer; try again."));
      return;
    }
    if (result.status === 404) {
      // No form to put it back on (the client is not on this caseload any more): the writer's own
      // words, shown here, so that discarding the record never loses them.
      showWritten(record, result.answer.fields);
      return;
    }
    window.location.assign(contactFormUrl(record.client) + "?correct=" + encodeURIComponent(record.id));
  }

  function showWritten(record, fields) {
    var item = list && list.querySelector('[data-outbox-record="' + record.id + '"]');
    if (!item) {
      return;
    }
    var box = document.createElement("div");
    box.className = "field-written mt-2";
    var intro = document.createElement("p");
    intro.className = "mb-1";
    intro.textContent = gettext("What you wrote (copy it before discarding; ask your manager where it belongs):");
    var text = document.createElement("textarea");
    text.className = "form-control";
    text.readOnly = true;
    text.rows = 6;
    text.setAttribute("aria-label", gettext("What you wrote"));
    text.value = fields
      .filter(function (pair) {
        return pair[1];
      })
      .map(function (pair) {
        return pair[0].replace(/_/g, " ") + ": " + pair[1];
      })
      .join("\n");
    box.appendChild(intro);
    box.appendChild(text);
    item.querySelectorAll(".field-written").forEach(function (old) {
      old.remove();
    });
    item.appendChild(box);
    text.focus();
  }

  // On the contact form opened with ?correct=<id>: the refused record's entries, from the server.
  async function openCorrection(form) {
    var id = new URLSearchParams(window.location.search).get("correct");
    if (!id || form.querySelector(".is-invalid")) {
      return;
    }
    var record = await getRecord(id);
    if (!record || record.owner !== user) {
      return;
    }
    var who = await session().catch(function () {
      return null;
    });
    var result = who ? await post(record, who.csrf) : null;
    if (result && (result.status === 200 || result.status === 201) && result.answer && result.answer.contact) {
      await deleteRecord(record.id);
      window.location.assign(body.dataset.fieldPage);
      return;
    }
    if (!result || !result.answer || !result.answer.fields) {
      return;
    }
    var values = {};
    result.answer.fields.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    Object.keys(values).forEach(function (name) {
      form.querySelectorAll("[name='" + name + "']").forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values[name].indexOf(input.value) !== -1;
        } else if (input.type !== "hidden") {
          input.value = values[name][0];
        }
      });
    });
    var key = form.querySelector("[name='form_key']");
    if (key) {
      key.value = record.id; // the record's own key: its next send finds the corrected row
    }
    var note = document.createElement("p");
    note.className = "alert alert-warning field-correcting";
    note.setAttribute("role", "status");
    note.textContent = gettext("Correcting a contact saved on this phone.") + " " + result.answer.error;
    form.insertBefore(note, form.firstChild);
    form.dataset.fieldCorrecting = record.id;
  }


  // --- Capturing a contact offline ----------------------------------------------------------------
  // The time of contact in the program's time zone, which the form's times are in (a phone set to
  // another zone, or travelling, would otherwise file it hours off, or "in the future").
  function localMinute(date, zone) {
    try {
      var parts = {};
      new Intl.DateTimeFormat("en-CA", {
        timeZone: zone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      })
        .formatToParts(date)
        .forEach(function (part) {
          parts[part.type] = part.value;
        });
      return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
    } catch (error) {
      return phoneMinute(date); // no such zone in this browser: the phone's own clock
    }
  }

  function phoneMinute(date) {
    var pad = function (n) {
      return String(n).padStart(2, "0");
    };
    return (
      date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes())
    );
  }

  // {state: "signed-in", csrf} when the server answers for this user within a few seconds,
  // {state: "signed-out"} when it answers for nobody (or someone else), {state: "unreachable"} otherwise.
  var PROBE_MS = 4000;
  async function reachable() {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller
      ? setTimeout(function () {
          controller.abort();
        }, PROBE_MS)
      : null;
    try {
      var response = await fetch(body.dataset.fieldSync, {
        credentials: "same-origin",
        redirect: "manual",
        cache: "no-store",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      });
      if (!response.ok) {
        var out = response.type === "opaqueredirect" || response.status === 403;
        return { state: out ? "signed-out" : "unreachable" };
      }
      var answer = await response.json();
      return String(answer.user) === user ? { state: "signed-in", csrf: answer.csrf } : { state: "signed-out" };
    } catch (error) {
      return { state: "unreachable" };
    } finally {
      clearTimeout(timer);
    }
  }

  var capture = document.querySelector("form[data-field-capture]");
  if (capture) {
    var note = capture.querySelector(".field-offline-note");
    var showOffline = function () {
      if (note) {
        note.hidden = navigator.onLine;
      }
    };
    showOffline();
    window.addEventListener("online", showOffline);
    window.addEventListener("offline", showOffline);
    if (!navigator.onLine) {
      // A kept form says the time of the last sync; the contact is being written now (editable).
      var when = capture.querySelector("[name='occurred_at']");
      if (when) {
        when.value = localMinute(new Date(), capture.dataset.fieldTimeZone);
      }
    }
    var probed = false;
    var saving = false;
    var submits = capture.querySelectorAll("button[type=submit]");
    var setBusy = function (busy) {
      submits.forEach(function (button) {
        button.disabled = busy;
      });
    };
    window.addEventListener("pageshow", function () {
      probed = saving = false; // a page restored from the back/forward cache checks again
      setBusy(false);
    });
    if (body.dataset.fieldKeptCopy) {
      // A form opened from the phone's kept copy: a key of its own, once, so that a second contact
      // written from the same copy is not taken for the first one sent again.
      var formKey = capture.querySelector("[name='form_key']");
      if (formKey) {
        formKey.value = crypto.randomUUID();
      }
    }
    capture.addEventListener("submit", async function (event) {
      if (probed) {
        return; // the ordinary form post, with its one-time key
      }
      event.preventDefault();
      if (saving) {
        return; // a second tap while the first is being checked or sealed
      }
      saving = true;
      setBusy(true);
      // Read now: the form is reset once the contact is kept.
      var fields = [];
      new FormData(capture).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && name !== "form_key") {
          fields.push([name, String(value)]);
        }
      });
      // "Online" only says a network is there, not that the server answers (a stairwell's one bar,
      // a captive portal), and a post to a session that has ended would be lost at the sign-in
      // redirect: ask the server first, briefly. Only a signed-in answer posts the form.
      var reach = navigator.onLine ? await reachable() : { state: "unreachable" };
      if (reach.state === "signed-in") {
        if (capture.dataset.fieldCorrecting) {
          // The next page (after the post) sends the record again: 200 once the form has saved
          // the corrected row under its key (it then leaves the phone), else refused again. Only
          // the record's id is noted here, nothing of what it says.
          sessionStorage.setItem(CORRECTED + capture.dataset.fieldCorrecting, "1");
        }
        // The session's token now: signing in again in another tab since this page loaded
        // changed it, and a post with the old one would be refused and lost.
        var token = capture.querySelector("[name='csrfmiddlewaretoken']");
        if (token && reach.csrf) {
          token.value = reach.csrf;
        }
        probed = true;
        capture.submit();
        return;
      }
      try {
        var client = Number(capture.dataset.fieldCapture);
        // A key of its own: the kept form's key would be shared by every contact written with it.
        var id = crypto.randomUUID();
        var written = new Date().toISOString();
        var envelope = await seal({ owner: Number(user), client: client, form_key: id, written_at: written, fields: fields });
        await putRecord({ id: id, owner: user, client: client, written_at: written, status: "waiting", error: "", envelope: envelope });
        Object.keys(sessionStorage).forEach(function (key) {
          if (key.indexOf(DRAFTS) === 0) {
            sessionStorage.removeItem(key);
          }
        });
        capture.reset();
        askToPersist();
      } catch (error) {
        saving = false;
        setBusy(false);
        window.alert(
          interpolate(gettext("This contact could not be kept on the phone (%(error)s). Nothing was lost: try again."), { error: String(error) }, true)
        );
        return;
      }
      window.location.assign(body.dataset.fieldPage + "?saved=1");
    });
  }

  if (capture) {
    openCorrection(capture).catch(function () {});
  }

  // --- Keeping the field-mode pages for offline use ------------------------------------------------
  var syncedNote = document.querySelector("[data-field-sync-status]");

  function showSynced() {
    var at = localStorage.getItem(SYNCED + user);
    if (syncedNote && at) {
      var until = new Date(Date.parse(at) + Number(syncedNote.dataset.fieldKeptHours) * 3600 * 1000);
      syncedNote.textContent = interpolate(
        gettext("Kept on this phone at %(at)s, for offline use until %(until)s (open this page online again to keep it longer)."),
        { at: new Date(at).toLocaleString(), until: until.toLocaleString() },
        true
      );
      if (!navigator.serviceWorker || !navigator.serviceWorker.controller) {
        // The first visit installs the service worker; the page works offline from the next load.
        syncedNote.textContent += " " + gettext("Open this page once more before going offline.");
      }
    }
  }

  async function keepPages() {
    if (!window.caches || !document.querySelector("[data-field-caseload]") || !navigator.onLine) {
      return;
    }
    var urls = [window.location.pathname];
    document.querySelectorAll("a[data-field-offline]").forEach(function (link) {
      urls.push(link.getAttribute("href"));
    });
    var responses = [];
    var keptAt = new Date().toISOString();
    for (var i = 0; i < urls.length; i++) {
      // The header tells the server's access log that this page is kept for offline use, not opened.
      var response = await fetch(urls[i], { credentials: "same-origin", headers: { "X-Peacekeeper-Field-Keep": "1" } });
      if (!response.ok || response.redirected) {
        return; // signed out meanwhile: keep nothing new
      }
      // Stamped with when it was kept: the service worker stops showing it after FIELD_MODE_KEPT_HOURS.
      var headers = new Headers(response.headers);
      headers.set("X-Peacekeeper-Kept-At", keptAt);
      // The body kept is the decoded one: a compressed response's encoding and length no longer
      // describe it (Chromium copes either way; they are dropped so that no browser trusts them).
      ["Content-Encoding", "Content-Length", "Vary"].forEach(function (name) {
        headers.delete(name);
      });
      // Marked as the phone's copy, so that its contact form takes a one-time key of its own.
      var html = (await response.text()).replace("<body", '<body data-field-kept-copy="yes"');
      var kept = new Response(html, { status: response.status, headers: headers });
      responses.push([urls[i], kept]);
    }
    await forgotten;
    await caches.delete(myPages); // replaced whole: a client reassigned away disappears
    var cache = await caches.open(myPages);
    await Promise.all(
      responses.map(function (pair) {
        return cache.put(pair[0], pair[1]);
      })
    );
    localStorage.setItem(SYNCED + user, keptAt);
    showSynced();
    body.dataset.fieldKept = "yes";
  }

  function askToPersist() {
    var refused = document.getElementById("field-persist-refused");
    if (!navigator.storage || !navigator.storage.persist) {
      if (refused) {
        refused.hidden = false;
      }
      return;
    }
    navigator.storage
      .persisted()
      .then(function (already) {
        return already || navigator.storage.persist();
      })
      .then(function (granted) {
        if (refused) {
          refused.hidden = granted;
        }
      });
  }

  beforeSignOut = async function () {
    await flush();
    var waiting = (await myRecords()).length;
    if (!waiting) {
      return true;
    }
    return window.confirm(
      interpolate(
        ngettext(
          "%(count)s contact is not sent yet. Sign out and keep it on this phone, encrypted, to send when you sign in again?",
          "%(count)s contacts are not sent yet. Sign out and keep them on this phone, encrypted, to send when you sign in again?",
          waiting
        ),
        { count: waiting },
        true
      )
    );
  };

  if (sendNow) {
    sendNow.addEventListener("click", function () {
      backoff = 0;
      clearTimeout(retryTimer);
      flush();
    });
  }
  window.addEventListener("online", function () {
    backoff = 0;
    flush();
    keepPages();
  });
  window.addEventListener("offline", render);

  if ("serviceWorker" in navigator && body.dataset.fieldWorker) {
    navigator.serviceWorker.register(body.dataset.fieldWorker, { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "peacekeeper-field-flush") {
        flush();
      }
    });
  }
  if (syncedNote) {
    showSynced();
    askToPersist();
  }
  // Records whose correction was just posted go out again now (see the capture form's submit).
  async function requeueCorrected() {
    var ids = Object.keys(sessionStorage).filter(function (key) {
      return key.indexOf(CORRECTED) === 0;
    });
    for (var i = 0; i < ids.length; i++) {
      sessionStorage.removeItem(ids[i]);
      var record = await getRecord(ids[i].slice(CORRECTED.length));
      if (record && record.owner === user && record.status === "failed") {
        record.status = "waiting";
        await putRecord(record);
      }
    }
  }

  requeueCorrected()
    .catch(function () {})
    .then(render)
    .then(flush)
    .then(keepPages);
  window.peacekeeperField = { flush: flush, render: render, localMinute: localMinute }; // for the browser tests and the console
})();
