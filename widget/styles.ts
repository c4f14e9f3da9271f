/** The element's styles: widget/styles.css, minified by Vite and adopted as one stylesheet. */
import { unsafeCSS } from 'lit';
import cssText from './styles.css?inline';

export const styles = unsafeCSS(cssText);
