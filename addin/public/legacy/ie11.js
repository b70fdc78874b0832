// Internet Explorer 11 runs this (it does not know nomodule) and skips the module bundle. ES5 only.
document.getElementById("legacy").removeAttribute("hidden");
