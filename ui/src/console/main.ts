import { mount } from 'svelte';
import '../app.css';
import './console.css';
import Console from './Console.svelte';

const target = document.getElementById('console');
if (!target) throw new Error('console.html lacks the #console element');

const app = mount(Console, { target, props: { storage: window.sessionStorage } });

export default app;
