/**
 * The Worker's entry module. Only handlers may be exported from here (workerd refuses other exports); the app itself
 * is built in `app.ts`, where tests and extensions reach it.
 */
import { createApp } from "./app.ts";

export default createApp();
