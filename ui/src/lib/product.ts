/** The product's name as shown in the window. One place to change it. */
export const PRODUCT_NAME = 'Softphone';
