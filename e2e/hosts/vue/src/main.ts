// Defines <org-signup> before the app mounts, so that Vue finds its properties.
import '@org-signup/widget';
// <org-signup>'s properties and events in Vue's template type checks (vue-tsc).
import type {} from '@org-signup/widget/vue';
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
