// Page entry: starts the training worker, builds the app state (with a shared setup link's forms),
// mounts the Svelte app and runs the capability check. The page itself never touches WebGPU: the
// worker owns the device.

import { mount } from 'svelte';
import 'uplot/dist/uPlot.min.css';
import './ui/global.css';
import App from './ui/App.svelte';
import { AppState } from './ui/state/app-state.svelte';
import { startWorker } from './ui/worker-client';
import { installTestHook } from './ui/test-hook';

let app: AppState | undefined;
const client = startWorker((message) => app?.workerFailed(message));
let storage: Storage | undefined;
try {
  storage = window.localStorage;
} catch {
  storage = undefined; // blocked storage: preferences are not remembered
}
app = new AppState(client.api, { storage, wrapSink: client.wrapSink });
if (new URLSearchParams(location.search).get('e2e') === '1') installTestHook(app, client.api);
// A shared run setup (#setup?...) fills the RL tab's forms, on opening and when pasted into this tab.
app.openSetupLink(location.hash);
addEventListener('hashchange', () => app?.openSetupLink(location.hash));

mount(App, { target: document.getElementById('app')!, props: { app } });
void app.init(typeof navigator !== 'undefined' && 'gpu' in navigator && !!navigator.gpu);
