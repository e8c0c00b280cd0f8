// The camera check of /identity: ask the server for a challenge, record the selfie video with
// MediaRecorder while prompting each head turn, upload it, show the server's decision.
(function () {
  "use strict";
  var root = document.getElementById("camera-check");
  if (!root) return;
  var text = root.dataset;
  var recordMs = Number(text.recordSeconds || 8) * 1000;
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
  var startButton = document.getElementById("camera-start");
  var stage = root.querySelector(".camera-stage");
  var preview = document.getElementById("camera-preview");
  var prompt = document.getElementById("camera-prompt");
  var progress = document.getElementById("camera-progress");
  var challengeBox = document.getElementById("challenge");
  var resultBox = document.getElementById("camera-result");

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "text/html" },
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.ok, html: html }; });
    });
  }

  function recorderType() {
    var types = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm", "video/mp4"];
    for (var i = 0; i < types.length; i++) {
      if (window.MediaRecorder && MediaRecorder.isTypeSupported(types[i])) return types[i];
    }
    return null;
  }

  // What to say at each moment: 1 s looking straight, 2 s per turn (out and back), the rest straight.
  function promptAt(ms, steps) {
    var turn = Math.floor((ms - 1000) / 2000);
    if (ms < 1000 || turn >= steps.length) return { text: text.textLook, step: "look" };
    return { text: steps[turn] === "left" ? text.textLeft : text.textRight, step: steps[turn] };
  }

  function showError(message) {
    resultBox.innerHTML = "";
    var box = document.createElement("div");
    box.className = "form-error";
    box.textContent = message;
    resultBox.appendChild(box);
  }

  function stopCamera(stream) {
    stream.getTracks().forEach(function (track) { track.stop(); });
    preview.srcObject = null;
    stage.hidden = true;
  }

  function record(stream, steps) {
    return new Promise(function (resolve) {
      var type = recorderType();
      var recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 1500000 });
      var chunks = [];
      var started = performance.now();
      recorder.ondataavailable = function (event) { if (event.data.size) chunks.push(event.data); };
      recorder.onstop = function () { resolve(new Blob(chunks, { type: type.split(";")[0] })); };
      recorder.start(500);
      var timer = setInterval(function () {
        var ms = performance.now() - started;
        var now = promptAt(ms, steps);
        prompt.textContent = now.text;
        prompt.dataset.step = now.step;
        progress.value = Math.min(100, (100 * ms) / recordMs);
        if (ms >= recordMs) {
          clearInterval(timer);
          recorder.stop();
        }
      }, 100);
    });
  }

  function upload(nonce, blob) {
    var form = new FormData();
    form.append("nonce", nonce);
    form.append("video", blob, blob.type === "video/mp4" ? "selfie.mp4" : "selfie.webm");
    if (text.next) form.append("next", text.next); // where the passed check's link leads
    prompt.textContent = text.textUploading;
    return post("/identity/verification", form).then(function (answer) {
      resultBox.innerHTML = answer.html;
      var verified = resultBox.querySelector("[data-decision='verified']");
      startButton.hidden = Boolean(verified);
      challengeBox.innerHTML = "";
    });
  }

  function start() {
    startButton.disabled = true;
    resultBox.innerHTML = "";
    if (!recorderType() || !navigator.mediaDevices) {
      showError(text.textNoRecorder);
      startButton.disabled = false;
      return;
    }
    post("/identity/challenge", null)
      .then(function (answer) {
        challengeBox.innerHTML = answer.html;
        var challenge = challengeBox.querySelector("[data-nonce]");
        if (!answer.ok || !challenge) throw new Error("refused");
        return navigator.mediaDevices
          .getUserMedia({ video: { width: 640, height: 480, facingMode: "user" }, audio: false })
          .catch(function () { showError(text.textNoCamera); throw new Error("no camera"); })
          .then(function (stream) {
            preview.srcObject = stream;
            stage.hidden = false;
            var steps = challenge.dataset.steps.split(",");
            return record(stream, steps).then(function (blob) {
              stopCamera(stream);
              return upload(challenge.dataset.nonce, blob);
            });
          });
      })
      .catch(function () { /* the message is already on the page */ })
      .then(function () { startButton.disabled = false; });
  }

  startButton.addEventListener("click", start);
})();
