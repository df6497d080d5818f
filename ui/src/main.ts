import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { selectBackend } from './lib/backend';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks the #app element');

const app = mount(App, { target, props: { backend: selectBackend(window) } });

export default app;
