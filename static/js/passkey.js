// Passkeys (WebAuthn) on the sign-in and set-up pages. The page's form carries the options the
// server made (data-passkey-options, JSON) and says what to do (data-passkey: "create" a new
// passkey or "get" one to sign in); the browser's answer goes in the form's hidden field and the
// form is sent. A file of its own, not inline: the site's Content-Security-Policy allows no
// inline script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-passkey]");
  if (!form) {
    return;
  }
  var mode = form.dataset.passkey;
  var button = form.querySelector("[data-passkey-start]");
  var status = form.querySelector("[data-passkey-status]");
  var field = form.querySelector("[data-passkey-field]");

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var text = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) {
      return null;
    }
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i++) {
      text += String.fromCharCode(bytes[i]);
    }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function publicKeyOptions() {
    var options = JSON.parse(form.dataset.passkeyOptions);
    options.challenge = toBytes(options.challenge);
    if (options.user) {
      options.user.id = toBytes(options.user.id);
    }
    (options.excludeCredentials || options.allowCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function serialise(credential) {
    var response = credential.response;
    var answer = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (mode === "create") {
      answer.response.attestationObject = toBase64url(response.attestationObject);
      if (response.getTransports) {
        answer.response.transports = response.getTransports();
      }
    } else {
      answer.response.authenticatorData = toBase64url(response.authenticatorData);
      answer.response.signature = toBase64url(response.signature);
      answer.response.userHandle = toBase64url(response.userHandle);
    }
    return JSON.stringify(answer);
  }

  function start() {
    button.disabled = true;
    status.textContent = gettext("Waiting for your passkey…");
    var request = { publicKey: publicKeyOptions() };
    var ask = mode === "create" ? navigator.credentials.create(request) : navigator.credentials.get(request);
    ask.then(
      function (credential) {
        status.textContent = gettext("Checking…");
        field.value = serialise(credential);
        form.submit();
      },
      function () {
        button.disabled = false;
        status.textContent = gettext("The passkey was not used (cancelled, or not available here). Try again, or choose another way below.");
      }
    );
  }

  if (!window.PublicKeyCredential || !navigator.credentials) {
    button.disabled = true;
    status.textContent = gettext("This browser cannot use passkeys.");
    return;
  }
  button.addEventListener("click", start);
})();
