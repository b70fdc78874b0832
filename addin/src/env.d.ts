/// <reference types="vite/client" />

/** True in development builds (the browser demo, the tests), false in the production bundle (vite.config.ts). */
declare const __THIDUA_DEMO__: boolean;
