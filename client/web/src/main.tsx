import { render } from "preact";
import { App } from "./app";
import { initLanguage } from "./i18n";
import "./styles/app.css";

initLanguage();
render(<App />, document.getElementById("app")!);
