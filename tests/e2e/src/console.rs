//! A console test's world: a fresh back office and a Chromium session on its console.

use crate::backoffice::BackOffice;
use crate::chromium::Browser;

/// The back office and the browser of one console test; both stop on drop.
#[derive(Debug)]
pub struct Console {
    pub browser: Browser,
    pub bo: BackOffice,
    name: String,
}

impl Console {
    /// Starts a back office and a browser, and opens the console's sign-in page.
    pub async fn start(name: &str) -> anyhow::Result<Console> {
        let bo = BackOffice::start(name).await?;
        let browser = Browser::start(name).await?;
        browser.client.goto(&bo.console_url()).await?;
        browser.testid("sign-in-form").await?;
        Ok(Console {
            browser,
            bo,
            name: name.to_owned(),
        })
    }

    /// Signs `username` in through the sign-in page and waits for the console.
    pub async fn sign_in(&self, username: &str) -> anyhow::Result<()> {
        let b = &self.browser;
        b.fill("sign-in-username", username).await?;
        b.fill("sign-in-password", crate::backoffice::PASSWORD)
            .await?;
        b.click("sign-in-submit").await?;
        b.testid("console-ready").await?;
        Ok(())
    }

    /// Opens a page from the navigation and waits for it.
    pub async fn open(&self, page: &str) -> anyhow::Result<()> {
        self.browser.click(&format!("nav-{page}")).await?;
        self.browser.testid(&format!("page-{page}")).await?;
        Ok(())
    }

    /// Saves `artifacts/e2e/<test>-<step>.png`.
    pub async fn step(&self, step: &str) -> anyhow::Result<()> {
        self.browser
            .screenshot(&format!("{}-{step}", self.name))
            .await?;
        Ok(())
    }

    pub async fn close(self) -> anyhow::Result<()> {
        let Console { browser, bo, .. } = self;
        browser.close().await?;
        drop(bo);
        Ok(())
    }
}
