// EdgeHTML knows modules, so it skips the nomodule script, but fails to parse the ES2022 bundle. Module scripts run
// before the load event; main.ts sets thiduaBooted first thing, so at load a missing flag means the pane never
// started. ES5 only: Internet Explorer 11 parses this file too.
window.addEventListener("load", function () {
  if (!window.thiduaBooted) document.getElementById("legacy").removeAttribute("hidden");
});
