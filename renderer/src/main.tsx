// First: before any schema is built (see the module).
import './lib/zod-jitless.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { applyThemeToDocument } from './stores/theme.js';
import { startSync } from './sync.js';
import { askNotificationsOnFirstGesture } from './run-status-actions.js';
import './styles.css';

applyThemeToDocument();
startSync();
// "Waiting for input" notifications are on by default; the browser asks on the first click.
askNotificationsOnFirstGesture();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
